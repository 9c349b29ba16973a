/** SQL for the resource pools: officers with duty state, skills, certificates and position; equipment; cover. */
import { sql, type SQL } from 'drizzle-orm';
import { query, type Executor } from '../../db/client.ts';

export interface OfficerRow extends Record<string, unknown> {
  id: string;
  user_id: string | null;
  police_number: string;
  name: string;
  post: string;
  status: string;
  station_id: string;
  path: string;
  unit_id: string | null;
  duty_status: string | null;
  duty_started_at: Date | string | null;
  duty_minutes_today: number | null;
  task_points: string | number | null;
  last_deployed_at: Date | string | null;
  deployments_30d: number | null;
  on_live_assignment: boolean;
  skills: string[] | null;
  certs: { name: string; expires_on: string }[] | string | null;
  station_lon: number | string | null;
  station_lat: number | string | null;
  pos_lon: number | null;
  pos_lat: number | null;
  pos_at: Date | string | null;
}

/** Officers under the jurisdiction subtrees matching `where` (over `j`), with everything eligibility needs. */
export function officerRows(db: Executor, where: SQL): Promise<OfficerRow[]> {
  return query<OfficerRow>(
    db,
    sql`select o.id, o.user_id::text as user_id, o.police_number, o.name, o.post, o.status,
               o.jurisdiction_id as station_id, j.path, o.unit_id,
               d.status as duty_status, d.duty_started_at, d.duty_minutes_today, d.task_points, d.last_deployed_at,
               d.deployments_30d,
               exists (select 1 from deployment_assignments a where a.officer_id = o.id
                        and a.status in ('ordered', 'acknowledged', 'en_route', 'arrived', 'handed_over'))
                 as on_live_assignment,
               (select array_agg(k.skill order by k.skill) from officer_skills k where k.officer_id = o.id) as skills,
               (select jsonb_agg(jsonb_build_object('name', c.name, 'expires_on', c.expires_on))
                  from certifications c where c.officer_id = o.id) as certs,
               st.lon as station_lon, st.lat as station_lat,
               p.lon as pos_lon, p.lat as pos_lat, p.recorded_at as pos_at
          from officers o
          join jurisdictions j on j.id = o.jurisdiction_id
          left join officer_duty d on d.officer_id = o.id
          left join stations st on st.id = o.jurisdiction_id
          left join unit_positions p on p.unit_id = o.unit_id
         where ${where}
         order by o.id`,
  );
}

export interface EquipmentRow extends Record<string, unknown> {
  id: string;
  kind: string;
  status: string;
  standard: string | null;
  path: string;
  lon: number | string | null;
  lat: number | string | null;
  committed: boolean;
}

/** Equipment under `where` (over `j`), with its station's location and whether a live plan holds it. */
export function equipmentRows(db: Executor, where: SQL): Promise<EquipmentRow[]> {
  return query<EquipmentRow>(
    db,
    sql`select e.id, e.kind, e.status, e.standard, j.path, st.lon, st.lat,
               exists (select 1 from deployment_equipment de join deployment_plans pl on pl.id = de.plan_id
                        where de.equipment_id = e.id and pl.status in ('pending_approval', 'approved', 'issued'))
                 as committed
          from equipment e join jurisdictions j on j.id = e.jurisdiction_id
          left join stations st on st.id = e.jurisdiction_id
         where ${where}
         order by e.id`,
  );
}

/** Configured minimum cover per region id. */
export async function coverRows(db: Executor): Promise<Map<string, number>> {
  const rows = await query<{ jurisdiction_id: string; min_officers: number }>(
    db,
    sql`select jurisdiction_id, min_officers from region_cover`,
  );
  return new Map(rows.map((r) => [r.jurisdiction_id, Number(r.min_officers)]));
}

/** Sets a region's minimum cover. */
export async function upsertCover(db: Executor, jurisdictionId: string, min: number, by: string): Promise<void> {
  await db.execute(
    sql`insert into region_cover (jurisdiction_id, min_officers, updated_by, updated_at)
        values (${jurisdictionId}, ${min}, ${by}, now())
        on conflict (jurisdiction_id) do update set min_officers = excluded.min_officers,
          updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
  );
}

/** Units and vehicles under `where` (over `j`), counted by kind and state. */
export async function fleetCounts(db: Executor, where: SQL) {
  const units = await query<{ type: string; status: string; n: number }>(
    db,
    sql`select u.type, u.status, count(*)::int as n from units u join jurisdictions j on j.id = u.jurisdiction_id
         where ${where} group by 1, 2 order by 1, 2`,
  );
  const vehicles = await query<{ kind: string; status: string; n: number }>(
    db,
    sql`select v.kind, v.status, count(*)::int as n from vehicles v join jurisdictions j on j.id = v.jurisdiction_id
         where ${where} group by 1, 2 order by 1, 2`,
  );
  return { units, vehicles };
}
