/** SQL for patrol units, their crews' skills and equipment, and their reported positions. */
import { sql, type SQL } from 'drizzle-orm';
import { query, type Executor } from '../../db/client.ts';

export interface UnitRow extends Record<string, unknown> {
  id: string;
  call_sign: string;
  type: string;
  status: string;
  jurisdiction_id: string;
  path: string;
  home_lon: number;
  home_lat: number;
  shift_started_at: Date | string | null;
  pos_lon: number | null;
  pos_lat: number | null;
  pos_recorded_at: Date | string | null;
}

const UNIT_COLUMNS = sql`u.id, u.call_sign, u.type, u.status, u.jurisdiction_id, j.path, u.home_lon, u.home_lat,
  u.shift_started_at, p.lon as pos_lon, p.lat as pos_lat, p.recorded_at as pos_recorded_at`;

/** Units matching `where` (over `u`, `j`, `p`), with their latest position when they have one. */
export function listUnitRows(
  db: Executor,
  where: SQL,
  opts: { status?: string; limit?: number } = {},
): Promise<UnitRow[]> {
  const status = opts.status === undefined ? sql`true` : sql`u.status = ${opts.status}`;
  const limit = opts.limit === undefined ? sql`` : sql`limit ${opts.limit}`;
  return query<UnitRow>(
    db,
    sql`select ${UNIT_COLUMNS}
          from units u join jurisdictions j on j.id = u.jurisdiction_id
          left join unit_positions p on p.unit_id = u.id
         where ${where} and ${status}
         order by u.call_sign ${limit}`,
  );
}

/** One unit (locked for update when `forUpdate`), or undefined. */
export async function findUnitRow(
  db: Executor,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<UnitRow | undefined> {
  const lock = opts.forUpdate ? sql`for update of u` : sql``;
  const [row] = await query<UnitRow>(
    db,
    sql`select ${UNIT_COLUMNS}
          from units u join jurisdictions j on j.id = u.jurisdiction_id
          left join unit_positions p on p.unit_id = u.id
         where u.id = ${id} ${lock}`,
  );
  return row;
}

/** Sets a unit's status; `shift` sets (start) or clears (end) the crew's shift start, or leaves it. */
export async function updateUnitStatus(
  db: Executor,
  id: string,
  status: string,
  shift: { start: Date } | 'end' | 'keep',
): Promise<void> {
  const shiftSet =
    shift === 'keep'
      ? sql``
      : shift === 'end'
        ? sql`, shift_started_at = null`
        : sql`, shift_started_at = ${shift.start.toISOString()}::timestamptz`;
  await db.execute(sql`update units set status = ${status} ${shiftSet} where id = ${id}`);
}

/** Units by id with their jurisdiction path (for authorising a position batch). */
export function unitsByIds(
  db: Executor,
  ids: string[],
): Promise<{ id: string; call_sign: string; status: string; jurisdiction_id: string; path: string }[]> {
  return query(
    db,
    sql`select u.id, u.call_sign, u.status, u.jurisdiction_id, j.path
          from units u join jurisdictions j on j.id = u.jurisdiction_id
         where u.id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`,
  );
}

export interface PositionInput {
  unit_id: string;
  lon: number;
  lat: number;
  recorded_at: string;
  speed_kmh: number | null;
  heading: number | null;
}

/**
 * Appends the positions to the history (a repeated (unit, timestamp) is ignored: idempotent retries) and
 * moves each unit's latest position forward to its newest fix, never backward. Returns the history rows
 * inserted and the units whose latest position changed.
 */
export async function ingestPositions(
  db: Executor,
  positions: PositionInput[],
): Promise<{
  inserted: { unit_id: string; recorded_at: string }[];
  moved: { unit_id: string; lon: number; lat: number }[];
}> {
  const json = JSON.stringify(positions);
  const input = sql`jsonb_to_recordset(${json}::jsonb) as x(unit_id text, lon float8, lat float8, recorded_at timestamptz,
                      speed_kmh real, heading real)`;
  const inserted = await query<{ unit_id: string; recorded_at: string }>(
    db,
    sql`insert into unit_position_history (unit_id, recorded_at, lon, lat, speed_kmh, heading)
        select unit_id, recorded_at, lon, lat, speed_kmh, heading from ${input}
        on conflict (unit_id, recorded_at) do nothing
        returning unit_id, to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as recorded_at`,
  );
  const moved = await query<{ unit_id: string; lon: number; lat: number }>(
    db,
    sql`insert into unit_positions (unit_id, lon, lat, recorded_at, speed_kmh, heading)
        select distinct on (unit_id) unit_id, lon, lat, recorded_at, speed_kmh, heading
          from ${input} order by unit_id, recorded_at desc
        on conflict (unit_id) do update
          set lon = excluded.lon, lat = excluded.lat, recorded_at = excluded.recorded_at,
              speed_kmh = excluded.speed_kmh, heading = excluded.heading, received_at = now()
          where unit_positions.recorded_at < excluded.recorded_at
        returning unit_id, lon, lat`,
  );
  return { inserted, moved };
}

/** Skills of each unit's active crew and the unit's usable equipment kinds. */
export async function unitCapabilities(
  db: Executor,
  unitIds: string[],
): Promise<Map<string, { skills: Set<string>; equipment: Set<string> }>> {
  const ids = sql`(select jsonb_array_elements_text(${JSON.stringify(unitIds)}::jsonb))`;
  const skills = await query<{ unit_id: string; skill: string }>(
    db,
    sql`select distinct o.unit_id, s.skill from officers o join officer_skills s on s.officer_id = o.id
         where o.status = 'active' and o.unit_id in ${ids}`,
  );
  const equipment = await query<{ unit_id: string; kind: string }>(
    db,
    sql`select distinct unit_id, kind from equipment where status in ('available', 'in_use') and unit_id in ${ids}`,
  );
  const out = new Map<string, { skills: Set<string>; equipment: Set<string> }>();
  const entry = (id: string) => {
    let e = out.get(id);
    if (!e) out.set(id, (e = { skills: new Set(), equipment: new Set() }));
    return e;
  };
  for (const r of skills) entry(r.unit_id).skills.add(r.skill);
  for (const r of equipment) entry(r.unit_id).equipment.add(r.kind);
  return out;
}

/** Login user ids of each unit's active crew (officers assigned to the unit who have an account). */
export async function crewUserIds(db: Executor, unitIds: string[]): Promise<Map<string, Set<string>>> {
  const rows = await query<{ unit_id: string; user_id: string }>(
    db,
    sql`select o.unit_id, o.user_id::text as user_id from officers o
         where o.status = 'active' and o.user_id is not null
           and o.unit_id in (select jsonb_array_elements_text(${JSON.stringify(unitIds)}::jsonb))`,
  );
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    let s = out.get(r.unit_id);
    if (!s) out.set(r.unit_id, (s = new Set()));
    s.add(r.user_id);
  }
  return out;
}
