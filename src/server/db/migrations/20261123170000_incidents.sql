-- Live incidents (issue 4): what intake adds to the population's `incidents` table, the callers (core-grade
-- personal data, kept apart so historical rows need none), the timeline and the public query code.
alter table incidents add column priority smallint check (priority between 1 and 5);
alter table incidents add column description text;
alter table incidents add column query_code text;
alter table incidents add column created_by text;
alter table incidents add column grading jsonb;
create unique index incidents_query_code_idx on incidents (query_code) where query_code is not null;
create index incidents_open_time_idx on incidents (reported_at) where not historical and status not in ('closed', 'cancelled');

create table incident_callers (
  id text primary key default gen_random_uuid()::text,
  incident_id text not null references incidents (id),
  name text,                                                      -- core
  phone text,                                                     -- core
  channel text not null,
  called_at timestamptz not null,
  created_at timestamptz not null default now()
);
create index incident_callers_incident_idx on incident_callers (incident_id);

create table incident_events (
  id bigint generated always as identity primary key,
  incident_id text not null references incidents (id),
  kind text not null,                                             -- 'status', 'grade', 'merge', 'note'
  from_status text,
  to_status text,
  note text,
  actor_id text,
  at timestamptz not null
);
create index incident_events_incident_idx on incident_events (incident_id, id);

create table incident_alerts (
  id text primary key default gen_random_uuid()::text,
  incident_id text not null references incidents (id),
  jurisdiction_id text not null references jurisdictions (id),
  reason text not null,
  created_at timestamptz not null,
  acked_by text,
  acked_at timestamptz
);
create index incident_alerts_open_idx on incident_alerts (jurisdiction_id) where acked_at is null;
