-- Core tables: the jurisdiction tree, users and their scoped roles, temporary task grants, idempotency keys.

create table jurisdictions (
  id text primary key,                 -- code: GB/T 2260 for province/city/county, extended below
  parent_id text references jurisdictions (id),
  level text not null check (level in ('province', 'city', 'county', 'station', 'community', 'grid')),
  name text not null,
  path text not null unique,           -- materialised path of ids, '/44/4401/440106/', for subtree queries
  boundary jsonb,                      -- GeoJSON Polygon or MultiPolygon (WGS-84)
  created_at timestamptz not null default now()
);
create index jurisdictions_parent_idx on jurisdictions (parent_id);
create index jurisdictions_path_idx on jurisdictions (path text_pattern_ops);

create table users (
  id uuid primary key default gen_random_uuid(),
  username text not null unique check (username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
  display_name text not null,
  police_number text unique,           -- 警号
  home_jurisdiction_id text references jurisdictions (id),
  -- personal data: sensitivity core (id_number), important (phone, address)
  id_number text,
  phone text,
  address text,
  password_hash text not null,
  password_changed_at timestamptz not null default now(),
  must_change_password boolean not null default false,
  status text not null default 'active' check (status in ('active', 'disabled')),
  failed_logins integer not null default 0,
  locked_until timestamptz,
  totp_secret text,
  totp_enabled boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index users_home_jurisdiction_idx on users (home_jurisdiction_id);

create table role_assignments (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  role text not null,
  jurisdiction_id text not null references jurisdictions (id),
  created_at timestamptz not null default now(),
  created_by uuid references users (id),
  unique (user_id, role, jurisdiction_id)
);
create index role_assignments_user_idx on role_assignments (user_id);

create table task_grants (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  task_ref text not null,              -- e.g. 'deployment:<id>'
  jurisdiction_id text not null references jurisdictions (id),
  actions text[] not null,
  starts_at timestamptz not null default now(),
  ends_at timestamptz not null,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  check (ends_at > starts_at)
);
create index task_grants_user_idx on task_grants (user_id);

-- A retried write with the same key returns the first answer instead of writing twice. The row is written in
-- the same transaction as the write it guards.
create table idempotency_keys (
  scope text not null,                 -- actor id or 'anonymous'
  key text not null,
  method text not null,
  route text not null,
  request_hash text not null,
  status_code integer not null,
  response_body text not null,
  created_at timestamptz not null default now(),
  primary key (scope, key)
);
