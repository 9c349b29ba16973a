/** SQL the simulator reads with: the historical call profile, the units it drives, and its own account. */
import { sql } from 'drizzle-orm';
import { query, type Executor } from '../../db/client.ts';

/** One historical incident as the call profile uses it. */
export interface HistoricalCall {
  subType: string;
  channel: string;
  lon: number;
  lat: number;
  /** Hour of day (0-23) in China Standard Time. */
  hour: number;
}

/** Historical incidents with a location, in a stable order (so a seeded run repeats exactly). */
export async function historicalCalls(db: Executor, limit: number): Promise<HistoricalCall[]> {
  const rows = await query<{ sub_type: string; channel: string; lon: number; lat: number; hour: number }>(
    db,
    sql`select sub_type, channel, lon, lat,
               extract(hour from reported_at at time zone 'Asia/Shanghai')::int as hour
          from incidents
         where historical and lon is not null and lat is not null
         order by reported_at desc, sub_type, lon, lat
         limit ${limit}`,
  );
  return rows.map((r) => ({
    subType: r.sub_type,
    channel: r.channel,
    lon: Number(r.lon),
    lat: Number(r.lat),
    hour: Number(r.hour),
  }));
}

/** A unit as the simulator drives it. */
export interface SimUnitRow {
  id: string;
  callSign: string;
  status: string;
  homeLon: number;
  homeLat: number;
  lon: number | null;
  lat: number | null;
  /** Someone on the unit's crew has a login (e.g. the demo `patrol` account): a person may play this crew. */
  humanCrew: boolean;
}

/** Every unit with its status and latest position, by call sign. */
export async function simUnits(db: Executor): Promise<SimUnitRow[]> {
  const rows = await query<{
    id: string;
    call_sign: string;
    status: string;
    home_lon: number;
    home_lat: number;
    lon: number | null;
    lat: number | null;
    human_crew: boolean;
  }>(
    db,
    sql`select u.id, u.call_sign, u.status, u.home_lon, u.home_lat, p.lon, p.lat,
               exists (select 1 from officers o where o.unit_id = u.id and o.user_id is not null) as human_crew
          from units u left join unit_positions p on p.unit_id = u.id
         order by u.call_sign`,
  );
  return rows.map((r) => ({
    id: r.id,
    callSign: r.call_sign,
    status: r.status,
    homeLon: Number(r.home_lon),
    homeLat: Number(r.home_lat),
    lon: r.lon === null ? null : Number(r.lon),
    lat: r.lat === null ? null : Number(r.lat),
    humanCrew: r.human_crew === true,
  }));
}

/** The root jurisdictions (provinces): the simulator's roles cover the whole tree below them. */
export async function rootJurisdictions(db: Executor): Promise<{ id: string; path: string }[]> {
  return query(db, sql`select id, path from jurisdictions where parent_id is null order by id`);
}

/** The simulator's account id and its role assignments (with paths), if it exists. */
export async function findAccount(
  db: Executor,
  username: string,
): Promise<{ id: string; roles: { role: string; jurisdictionId: string; path: string }[] } | undefined> {
  const rows = await query<{ id: string; role: string | null; jurisdiction_id: string | null; path: string | null }>(
    db,
    sql`select u.id, r.role, r.jurisdiction_id, j.path
          from users u left join role_assignments r on r.user_id = u.id
          left join jurisdictions j on j.id = r.jurisdiction_id
         where u.username = ${username}
         order by r.role, r.jurisdiction_id`,
  );
  if (rows.length === 0) return undefined;
  return {
    id: rows[0]!.id,
    roles: rows
      .filter((r) => r.role !== null)
      .map((r) => ({ role: r.role!, jurisdictionId: r.jurisdiction_id!, path: r.path! })),
  };
}

/** Creates the simulator's account, disabled (nobody logs in as it), with a hash nothing verifies against. */
export async function insertAccount(
  db: Executor,
  a: { username: string; displayName: string; passwordHash: string },
): Promise<string> {
  const [row] = await query<{ id: string }>(
    db,
    sql`insert into users (username, display_name, password_hash, status)
        values (${a.username}, ${a.displayName}, ${a.passwordHash}, 'disabled') returning id`,
  );
  return row!.id;
}

/** Grants `role` over `jurisdictionId` (no-op when held). */
export async function insertRole(db: Executor, userId: string, role: string, jurisdictionId: string): Promise<void> {
  await db.execute(
    sql`insert into role_assignments (user_id, role, jurisdiction_id) values (${userId}, ${role}, ${jurisdictionId})
        on conflict (user_id, role, jurisdiction_id) do nothing`,
  );
}

/** An active dispatch order with what the crew needs to know about its incident. */
export interface CrewOrder {
  id: string;
  incidentId: string;
  unitId: string;
  status: 'sent' | 'acknowledged' | 'en_route' | 'on_scene';
  incidentStatus: string;
  category: string;
  subType: string;
  lon: number | null;
  lat: number | null;
}

/** Every active order (sent, acknowledged, en route, on scene), oldest first. */
export async function activeCrewOrders(db: Executor): Promise<CrewOrder[]> {
  const rows = await query<{
    id: string;
    incident_id: string;
    unit_id: string;
    status: CrewOrder['status'];
    incident_status: string;
    category: string;
    sub_type: string;
    lon: number | null;
    lat: number | null;
  }>(
    db,
    sql`select o.id, o.incident_id, o.unit_id, o.status, i.status as incident_status, i.category, i.sub_type, i.lon, i.lat
          from dispatch_orders o join incidents i on i.id = o.incident_id
         where o.status in ('sent', 'acknowledged', 'en_route', 'on_scene')
         order by o.sent_at, o.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    incidentId: r.incident_id,
    unitId: r.unit_id,
    status: r.status,
    incidentStatus: r.incident_status,
    category: r.category,
    subType: r.sub_type,
    lon: r.lon === null ? null : Number(r.lon),
    lat: r.lat === null ? null : Number(r.lat),
  }));
}

/** An incident's status and how many of its orders are still active. */
export async function incidentProgress(
  db: Executor,
  incidentId: string,
): Promise<{ status: string; category: string; subType: string; activeOrders: number } | undefined> {
  const [row] = await query<{ status: string; category: string; sub_type: string; active: number }>(
    db,
    sql`select i.status, i.category, i.sub_type,
               (select count(*)::int from dispatch_orders o
                 where o.incident_id = i.id and o.status in ('sent', 'acknowledged', 'en_route', 'on_scene')) as active
          from incidents i where i.id = ${incidentId}`,
  );
  return row && { status: row.status, category: row.category, subType: row.sub_type, activeOrders: Number(row.active) };
}
