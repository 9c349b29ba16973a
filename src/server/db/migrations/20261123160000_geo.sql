-- Geography of the demo city (issue 3): roads, water, standard addresses, police stations, and the compact
-- road graph (serializeGraph bytes) the server loads at start instead of regenerating it.

create table roads (
  id text primary key,
  name text not null,
  class text not null,
  class_rank smallint not null,        -- index in ROAD_CLASSES: lower is more important (motorway = 0)
  oneway boolean not null default false,
  bridge boolean not null default false,
  geometry jsonb not null,             -- GeoJSON LineString (WGS-84)
  min_lon double precision not null,
  min_lat double precision not null,
  max_lon double precision not null,
  max_lat double precision not null
);
create index roads_bbox_idx on roads (min_lon, max_lon);
create index roads_class_idx on roads (class_rank);

create table water (
  id text primary key,
  name text not null,
  geometry jsonb not null              -- GeoJSON Polygon (WGS-84)
);

create table addresses (
  id text primary key,
  grid_id text not null references jurisdictions (id),
  province text not null,
  city text not null,
  district text not null,
  street text not null,                -- road name and door number, 江滨路128号
  road_name text not null,
  door_number integer not null check (door_number > 0),
  community text not null,
  building text not null,
  units integer not null check (units > 0),
  floors integer not null check (floors > 0),
  rooms_per_floor integer not null check (rooms_per_floor > 0),
  kind text not null check (kind in ('residential', 'commercial', 'industrial', 'public')),
  lon numeric(10, 6) not null check (lon between -180 and 180),
  lat numeric(9, 6) not null check (lat between -90 and 90),
  road_id text references roads (id),
  search_text text not null            -- the full address without spaces, for geocoding and search
);
create index addresses_grid_idx on addresses (grid_id);
create index addresses_street_idx on addresses (road_name, door_number);

create table stations (
  id text primary key references jurisdictions (id),
  name text not null,
  lon numeric(10, 6) not null,
  lat numeric(9, 6) not null,
  address_id text references addresses (id)
);

create table road_graphs (
  name text primary key,
  graph bytea not null,                -- serializeGraph() output
  vertex_count integer not null,
  edge_count integer not null,
  created_at timestamptz not null default now()
);
