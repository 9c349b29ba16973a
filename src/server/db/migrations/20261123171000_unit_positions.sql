-- Units and AVL (issue #4): the latest reported position of each unit (one row per unit, upserted by the AVL
-- ingest only when newer), the append-only position history (idempotent by unit and device timestamp), and
-- the start of the crew's current shift (set when a unit comes on duty, cleared when it goes off duty) for
-- the recommendation's duty-hours rule.

alter table units add column shift_started_at timestamptz;

create table unit_positions (
  unit_id text primary key references units (id) on delete cascade,
  lon double precision not null check (lon between -180 and 180),
  lat double precision not null check (lat between -90 and 90),
  recorded_at timestamptz not null,                               -- device time of the fix
  speed_kmh real check (speed_kmh >= 0),
  heading real check (heading >= 0 and heading < 360),
  received_at timestamptz not null default now()
);

create table unit_position_history (
  unit_id text not null references units (id) on delete cascade,
  recorded_at timestamptz not null,
  lon double precision not null check (lon between -180 and 180),
  lat double precision not null check (lat between -90 and 90),
  speed_kmh real,
  heading real,
  received_at timestamptz not null default now(),
  primary key (unit_id, recorded_at)
);
