-- Dispatch orders (issue 4): which unit was sent to which incident, each stage of the order (terminal
-- acknowledgement, en route, on scene, released) and whether it followed the recommendation or overrode it
-- with a reason. A unit has at most one active order. Recommendations are kept so an order can say what was
-- recommended when the dispatcher chose. Incidents gain a result code beside the disposition, links between
-- related incidents (not duplicates), and attachments (photos, documents) along the timeline.
create table incident_recommendations (
  id text primary key default gen_random_uuid()::text,
  incident_id text not null references incidents (id),
  unit_ids text[] not null,                                        -- the units recommended (ranked + run card)
  result jsonb not null,                                           -- the response as shown to the dispatcher
  created_by text not null,
  created_at timestamptz not null
);
create index incident_recommendations_incident_idx on incident_recommendations (incident_id, created_at);

create table dispatch_orders (
  id text primary key default gen_random_uuid()::text,
  incident_id text not null references incidents (id),
  unit_id text not null references units (id),
  status text not null check (status in ('sent', 'acknowledged', 'en_route', 'on_scene', 'released', 'cancelled')),
  recommended boolean not null,
  recommendation_id text references incident_recommendations (id),
  override_reason text,
  sent_by text not null,
  sent_at timestamptz not null,
  acknowledged_at timestamptz,
  en_route_at timestamptz,
  on_scene_at timestamptz,
  released_at timestamptz,
  cancelled_at timestamptz,
  cancel_reason text,
  check (recommended or override_reason is not null)
);
create unique index dispatch_orders_one_active_per_unit
  on dispatch_orders (unit_id) where status in ('sent', 'acknowledged', 'en_route', 'on_scene');
create index dispatch_orders_incident_idx on dispatch_orders (incident_id, sent_at);

alter table incidents add column result_code text;

create table incident_links (
  incident_id text not null references incidents (id),
  linked_id text not null references incidents (id),
  note text,
  created_by text not null,
  created_at timestamptz not null,
  primary key (incident_id, linked_id),
  check (incident_id < linked_id)                                  -- one row per pair
);
create index incident_links_linked_idx on incident_links (linked_id);

create table incident_attachments (
  id text primary key default gen_random_uuid()::text,
  incident_id text not null references incidents (id),
  file_name text not null,
  content_type text not null,
  size_bytes integer not null check (size_bytes > 0),
  sha256 text not null,
  data bytea not null,
  created_by text not null,
  created_at timestamptz not null
);
create index incident_attachments_incident_idx on incident_attachments (incident_id, created_at);
