-- Demo-city population (issue #3) and the registries later issues work on:
--   police force: officers (staff records, apart from login users), their skills and certifications, patrol
--   units, vehicles and equipment — each on its home station (jurisdiction_id = a station);
--   一标三实 registries: houses (one per room), residents, enterprises — each on its grid;
--   incidents: the 警情 table. The demo writes a few years of history (historical = true, status 'closed');
--   the 110 intake of issue #4 adds live incidents to the same table and extends it with its own columns.
-- Every business row carries a jurisdiction id; ids are text (the generator's stable ids; live rows default to
-- a UUID). Personal data grades: core = id numbers; important = phones and addresses.

create table vehicles (
  id text primary key default gen_random_uuid()::text,
  plate text not null unique,
  kind text not null check (kind in ('sedan', 'suv', 'motorbike', 'swat_van', 'command_vehicle')),
  model text not null,
  status text not null default 'in_service' check (status in ('in_service', 'maintenance', 'retired')),
  jurisdiction_id text not null references jurisdictions (id),   -- home station
  created_at timestamptz not null default now()
);
create index vehicles_jurisdiction_idx on vehicles (jurisdiction_id);

create table units (
  id text primary key default gen_random_uuid()::text,
  call_sign text not null unique,                                 -- 呼号, e.g. 江南01
  type text not null check (type in ('patrol_car', 'motorbike', 'foot', 'special')),
  jurisdiction_id text not null references jurisdictions (id),   -- home station
  home_lon double precision not null check (home_lon between -180 and 180),
  home_lat double precision not null check (home_lat between -90 and 90),
  vehicle_id text unique references vehicles (id),
  status text not null default 'off_duty'
    check (status in ('available', 'dispatched', 'en_route', 'on_scene', 'returning', 'busy', 'off_duty')),
  created_at timestamptz not null default now()
);
create index units_jurisdiction_idx on units (jurisdiction_id);
create index units_status_idx on units (status);

create table officers (
  id text primary key default gen_random_uuid()::text,
  user_id uuid unique references users (id) on delete set null,  -- the officer's login, when they have one
  police_number text not null unique check (police_number ~ '^[0-9]{6}$'),  -- 警号
  name text not null,
  sex text not null check (sex in ('M', 'F')),
  birth_date date not null,
  id_number text not null unique,                                 -- core
  phone text,                                                     -- important
  rank text not null,
  post text not null check (post in ('patrol', 'community', 'investigation', 'tech', 'traffic', 'special', 'command')),
  jurisdiction_id text not null references jurisdictions (id),   -- home station
  unit_id text references units (id) on delete set null,          -- default crew assignment
  hired_on date,
  status text not null default 'active' check (status in ('active', 'leave', 'retired')),
  created_at timestamptz not null default now()
);
create index officers_jurisdiction_idx on officers (jurisdiction_id);
create index officers_unit_idx on officers (unit_id);
create index officers_name_idx on officers (name);

create table officer_skills (
  officer_id text not null references officers (id) on delete cascade,
  skill text not null check (skill in ('e_forensics', 'negotiation', 'riot_control', 'traffic', 'drone', 'first_aid',
    'foreign_language', 'module_stability', 'module_investigation', 'module_tech_support', 'module_public_order',
    'module_traffic', 'module_community')),
  level smallint not null check (level between 1 and 3),
  detail text,                                                    -- e.g. the language
  jurisdiction_id text not null references jurisdictions (id),
  primary key (officer_id, skill)
);
-- "Who in this region has skill X": the force-pool and recommendation queries.
create index officer_skills_skill_idx on officer_skills (skill, jurisdiction_id);

create table certifications (
  id text primary key default gen_random_uuid()::text,
  officer_id text not null references officers (id) on delete cascade,
  name text not null,
  issued_on date not null,
  expires_on date not null,
  jurisdiction_id text not null references jurisdictions (id),
  check (expires_on > issued_on)
);
create index certifications_officer_idx on certifications (officer_id);
create index certifications_expiry_idx on certifications (expires_on);

create table equipment (
  id text primary key default gen_random_uuid()::text,
  kind text not null check (kind in ('body_camera', 'radio', 'taser', 'drone', 'bomb_robot', 'mobile_command_vehicle')),
  serial text not null unique,
  model text not null,
  status text not null default 'available' check (status in ('available', 'in_use', 'maintenance', 'faulty', 'retired')),
  standard text,                                                  -- interoperability standard (PDT/DMR, GA/T 947…)
  jurisdiction_id text not null references jurisdictions (id),   -- home station
  officer_id text references officers (id) on delete set null,
  unit_id text references units (id) on delete set null,
  vehicle_id text references vehicles (id) on delete set null
);
create index equipment_kind_idx on equipment (kind, jurisdiction_id);
create index equipment_officer_idx on equipment (officer_id);
create index equipment_unit_idx on equipment (unit_id);

-- 一房一档: every room of a residential building. The owner may be a resident (owner_resident_id) or someone
-- living elsewhere. owner_resident_id is a plain reference, not a foreign key: residents point at their house
-- (that one is a foreign key), and a deferred key the other way made the demo seed's commit check 180k rows
-- one by one (~40 s on PGlite).
create table houses (
  id text primary key default gen_random_uuid()::text,
  address_id text not null,                                       -- standard address (building)
  room text not null,                                             -- e.g. 1单元302室
  floor smallint not null,
  area_m2 real not null check (area_m2 > 0),
  usage text not null check (usage in ('owner_occupied', 'rented', 'vacant')),
  owner_resident_id text,
  owner_name text not null,
  owner_id_number text not null,                                  -- core
  owner_phone text,                                               -- important
  address text not null,                                          -- important: full standard address with room
  jurisdiction_id text not null references jurisdictions (id),   -- grid
  unique (address_id, room)
);
create index houses_jurisdiction_idx on houses (jurisdiction_id);
create index houses_owner_idx on houses (owner_resident_id);

create table residents (
  id text primary key default gen_random_uuid()::text,
  name text not null,
  sex text not null check (sex in ('M', 'F')),
  birth_date date not null,
  id_number text not null unique,                                 -- core
  phone text,                                                     -- important
  resident_type text not null check (resident_type in ('registered', 'floating')),
  hukou_region text not null check (hukou_region ~ '^[0-9]{6}$'),
  key_category text check (key_category in
    ('released_offender', 'community_correction', 'drug_user', 'mental_disorder', 'petitioner')),
  care_category text check (care_category in ('elderly_alone')),
  household_id text not null,
  relation text not null check (relation in ('head', 'spouse', 'child', 'parent', 'other')),
  house_id text references houses (id) on delete set null,
  address_id text not null,
  address text not null,                                          -- important
  jurisdiction_id text not null references jurisdictions (id),   -- grid
  created_at timestamptz not null default now()
);
create index residents_jurisdiction_idx on residents (jurisdiction_id);
create index residents_household_idx on residents (household_id);
create index residents_house_idx on residents (house_id);
create index residents_phone_idx on residents (phone);
create index residents_name_idx on residents (name);
create index residents_key_idx on residents (jurisdiction_id) where key_category is not null;

-- 一企一档.
create table enterprises (
  id text primary key default gen_random_uuid()::text,
  name text not null,
  credit_code text not null unique check (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$'),
  industry text not null,
  special_trade boolean not null default false,                   -- 特种行业 (police-licensed)
  legal_rep_name text not null,
  legal_rep_id_number text not null,                              -- core
  phone text,                                                     -- important
  employees integer not null check (employees >= 0),
  registered_on date not null,
  address_id text not null,
  address text not null,
  jurisdiction_id text not null references jurisdictions (id),   -- grid
  created_at timestamptz not null default now()
);
create index enterprises_jurisdiction_idx on enterprises (jurisdiction_id);
create index enterprises_industry_idx on enterprises (industry);

create table incidents (
  id text primary key default gen_random_uuid()::text,
  category text not null check (category in
    ('criminal', 'public_order', 'traffic', 'fire', 'assistance', 'dispute', 'report')),
  sub_type text not null,                                         -- 'category.code', e.g. criminal.burglary
  severity smallint not null check (severity between 1 and 4),    -- 1 = I (特别重大) … 4 = IV (一般)
  status text not null default 'received' check (status in
    ('received', 'graded', 'dispatched', 'acknowledged', 'en_route', 'on_scene', 'handled', 'closed', 'cancelled')),
  historical boolean not null default false,                      -- generated history, never dispatched here
  channel text not null default 'phone' check (channel in ('phone', 'sms', 'app', 'walk_in')),
  reported_at timestamptz not null,
  closed_at timestamptz,
  lon double precision check (lon between -180 and 180),
  lat double precision check (lat between -90 and 90),
  address_id text,
  address text,                                                   -- important
  disposition text,
  jurisdiction_id text not null references jurisdictions (id),   -- grid (resolved from the location)
  created_at timestamptz not null default now(),
  check (closed_at is null or closed_at >= reported_at)
);
-- Subtree-by-time (ids are hierarchical codes, so a station's or county's grids share its id as prefix),
-- type-by-time for analytics (hotspots, near-repeat), and the address history (repeat calls).
create index incidents_jurisdiction_time_idx on incidents (jurisdiction_id text_pattern_ops, reported_at);
create index incidents_time_idx on incidents (reported_at);
create index incidents_type_time_idx on incidents (sub_type, reported_at);
create index incidents_address_idx on incidents (address_id, reported_at);
