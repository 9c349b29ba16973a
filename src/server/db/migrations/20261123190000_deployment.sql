-- Cross-region mutual deployment (issue 5): officers' duty state for eligibility and fairness, regional minimum
-- cover, demands (raised by hand or drafted automatically), plans (solved assignments, what-ifs), their
-- assignments to officers and equipment, tiered approvals with e-signatures, and the after-action record
-- (surveys, logistics). Support officers act under task-scoped grants (`task_grants.task_ref` =
-- 'deployment:<demand id>'), created at hand-over and revoked at release.

-- Duty state of each officer (one row per officer; absent = off duty, never deployed).
create table officer_duty (
  officer_id text primary key references officers (id) on delete cascade,
  status text not null default 'off_duty' check (status in ('on_duty', 'resting', 'off_duty', 'deployed')),
  duty_started_at timestamptz,                                   -- start of today's duty (for the 12-hour cap)
  duty_minutes_today integer not null default 0 check (duty_minutes_today >= 0),  -- earlier duty today
  task_points numeric(10, 2) not null default 0,                 -- fairness ledger (difficulty × duration × risk)
  last_deployed_at timestamptz,
  deployments_30d integer not null default 0,
  updated_at timestamptz not null default now()
);

-- Regional minimum cover: officers a region (county or city) keeps at home whatever it lends.
create table region_cover (
  jurisdiction_id text primary key references jurisdictions (id),
  min_officers integer not null check (min_officers >= 0),
  updated_by text,
  updated_at timestamptz not null default now()
);

create table deployment_demands (
  id text primary key default gen_random_uuid()::text,
  code text not null unique,                                      -- human reference, e.g. TS-20261123-0001
  jurisdiction_id text not null references jurisdictions (id),    -- the requesting (receiving) region
  type text not null,                                             -- e.g. 'public_order', 'search', 'disaster'
  level smallint not null check (level between 1 and 4),          -- 1 = I 特别重大 … 4 = IV 一般
  title text not null,
  lon double precision not null check (lon between -180 and 180),
  lat double precision not null check (lat between -90 and 90),
  meeting_point text,
  headcount integer not null check (headcount between 1 and 500),
  required_skills jsonb not null default '[]',                    -- [{skill, count}]
  required_equipment jsonb not null default '[]',                 -- [{kind, count, standard?}]
  deadline_at timestamptz not null,                               -- on scene by
  expected_duration_min integer not null check (expected_duration_min between 15 and 1440),
  status text not null check (status in ('draft', 'open', 'planned', 'approved', 'executing', 'closed', 'cancelled')),
  source text not null check (source in ('manual', 'auto_strength_gap', 'auto_incident')),
  source_detail jsonb,                                            -- why an automatic draft was raised
  incident_id text references incidents (id),
  created_by text,
  created_at timestamptz not null,
  confirmed_by text,
  confirmed_at timestamptz,
  closed_at timestamptz
);
create index deployment_demands_status_idx on deployment_demands (status, deadline_at);
create index deployment_demands_jurisdiction_idx on deployment_demands (jurisdiction_id);
-- One automatic draft per cause while it is undecided.
create unique index deployment_demands_one_auto_draft on deployment_demands (jurisdiction_id, source)
  where status = 'draft' and source <> 'manual';

create table deployment_plans (
  id text primary key default gen_random_uuid()::text,
  status text not null check (status in ('proposed', 'pending_approval', 'approved', 'rejected', 'issued',
    'completed', 'cancelled', 'superseded')),
  demand_ids text[] not null,
  required_approval text not null check (required_approval in ('city', 'province')),
  emergency boolean not null default false,                       -- act now, approve after (especially major)
  objective double precision,
  method text,                                                    -- 'lp', 'mip', 'greedy'
  solve_ms double precision,
  summary jsonb not null,                                         -- shortfalls, cover left per region, explanations
  adjustments jsonb not null default '{}',                        -- what-if pins/removals/cover overrides
  created_by text not null,
  created_at timestamptz not null,
  issued_at timestamptz
);
create index deployment_plans_status_idx on deployment_plans (status, created_at);

create table deployment_assignments (
  id text primary key default gen_random_uuid()::text,
  plan_id text not null references deployment_plans (id),
  demand_id text not null references deployment_demands (id),
  officer_id text not null references officers (id),
  slot text not null,                                             -- the skill slot filled, or 'general'
  eta_sec integer not null,
  reason text not null,
  status text not null check (status in ('proposed', 'ordered', 'acknowledged', 'en_route', 'arrived',
    'handed_over', 'released', 'cancelled')),
  ordered_at timestamptz,
  acknowledged_at timestamptz,
  arrived_at timestamptz,
  handed_over_at timestamptz,
  released_at timestamptz,
  duty_minutes integer,                                           -- booked at release (travel + task)
  points numeric(10, 2),                                          -- booked at release
  allowance numeric(10, 2),                                       -- out-of-area allowance booked at release
  grant_id uuid references task_grants (id)
);
create index deployment_assignments_plan_idx on deployment_assignments (plan_id);
create index deployment_assignments_demand_idx on deployment_assignments (demand_id);
-- One task at a time: an officer is on at most one live assignment.
create unique index deployment_assignments_one_live on deployment_assignments (officer_id)
  where status in ('ordered', 'acknowledged', 'en_route', 'arrived', 'handed_over');

create table deployment_equipment (
  plan_id text not null references deployment_plans (id),
  demand_id text not null references deployment_demands (id),
  equipment_id text not null references equipment (id),
  primary key (plan_id, equipment_id)
);

-- E-signatures: each approver registers a public key (P-256 ECDSA, generated in their browser); approvals are
-- signed over a canonical payload and verifiable by anyone holding the public key.
create table approver_keys (
  id text primary key default gen_random_uuid()::text,
  user_id uuid not null references users (id),
  public_key_spki text not null,                                  -- base64 DER SubjectPublicKeyInfo
  algorithm text not null check (algorithm in ('ECDSA-P256-SHA256', 'Ed25519')),
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create index approver_keys_user_idx on approver_keys (user_id);

create table deployment_approvals (
  id text primary key default gen_random_uuid()::text,
  plan_id text not null references deployment_plans (id),
  level text not null check (level in ('city', 'province')),
  jurisdiction_id text not null references jurisdictions (id),     -- whose approvers decide
  due_at timestamptz not null,
  status text not null check (status in ('pending', 'approved', 'rejected', 'escalated', 'ratified')),
  decided_by uuid references users (id),
  decided_at timestamptz,
  comment text,
  signed_payload text,
  signature text,
  key_id text references approver_keys (id),
  escalated_from text references deployment_approvals (id),
  created_at timestamptz not null
);
create index deployment_approvals_pending_idx on deployment_approvals (status, due_at);

create table deployment_surveys (
  assignment_id text primary key references deployment_assignments (id),
  rating smallint not null check (rating between 1 and 5),
  comment text,
  created_at timestamptz not null
);

create table deployment_logistics (
  demand_id text primary key references deployment_demands (id),
  meals boolean not null default false,
  lodging boolean not null default false,
  medical boolean not null default false,
  note text,
  updated_by text,
  updated_at timestamptz not null default now()
);
