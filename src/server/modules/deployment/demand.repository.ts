/** SQL for deployment demands. */
import { sql, type SQL } from 'drizzle-orm';
import { query, type Executor } from '../../db/client.ts';

export interface DemandRow extends Record<string, unknown> {
  id: string;
  code: string;
  jurisdiction_id: string;
  path: string;
  type: string;
  level: number;
  title: string;
  lon: number;
  lat: number;
  meeting_point: string | null;
  headcount: number;
  required_skills: { skill: string; count: number }[] | string;
  required_equipment: { kind: string; count: number; standard?: string }[] | string;
  deadline_at: Date | string;
  expected_duration_min: number;
  status: string;
  source: string;
  source_detail: unknown;
  incident_id: string | null;
  created_by: string | null;
  created_at: Date | string;
  confirmed_by: string | null;
  confirmed_at: Date | string | null;
  closed_at: Date | string | null;
}

const SELECT = sql`select d.*, j.path from deployment_demands d join jurisdictions j on j.id = d.jurisdiction_id`;

export interface NewDemand {
  jurisdictionId: string;
  type: string;
  level: number;
  title: string;
  lon: number;
  lat: number;
  meetingPoint: string | null;
  headcount: number;
  requiredSkills: { skill: string; count: number }[];
  requiredEquipment: { kind: string; count: number; standard?: string }[];
  deadlineAt: Date;
  expectedDurationMin: number;
  status: 'draft' | 'open';
  source: 'manual' | 'auto_strength_gap' | 'auto_incident';
  sourceDetail: unknown;
  incidentId: string | null;
  createdBy: string | null;
  createdAt: Date;
}

/**
 * Inserts a demand with the next code of its day; returns its id, or null when an automatic draft for the same
 * region and cause is still undecided (the partial unique index).
 */
export async function insertDemand(db: Executor, d: NewDemand): Promise<string | null> {
  const day = d.createdAt.toISOString().slice(0, 10).replaceAll('-', '');
  const rows = await query<{ id: string }>(
    db,
    sql`insert into deployment_demands (code, jurisdiction_id, type, level, title, lon, lat, meeting_point, headcount,
          required_skills, required_equipment, deadline_at, expected_duration_min, status, source, source_detail,
          incident_id, created_by, created_at, confirmed_by, confirmed_at)
        values (
          'TS-' || ${day} || '-' || lpad((select count(*) + 1 from deployment_demands where code like ${`TS-${day}-%`})::text, 4, '0'),
          ${d.jurisdictionId}, ${d.type}, ${d.level}, ${d.title}, ${d.lon}, ${d.lat}, ${d.meetingPoint}, ${d.headcount},
          ${JSON.stringify(d.requiredSkills)}::jsonb, ${JSON.stringify(d.requiredEquipment)}::jsonb,
          ${d.deadlineAt.toISOString()}, ${d.expectedDurationMin}, ${d.status}, ${d.source},
          ${d.sourceDetail === null ? null : JSON.stringify(d.sourceDetail)}::jsonb, ${d.incidentId}, ${d.createdBy},
          ${d.createdAt.toISOString()},
          ${d.status === 'open' ? d.createdBy : null}, ${d.status === 'open' ? d.createdAt.toISOString() : null})
        on conflict (jurisdiction_id, source) where status = 'draft' and source <> 'manual' do nothing
        returning id`,
  );
  return rows[0]?.id ?? null;
}

/** One demand (locked when `forUpdate`). */
export async function findDemand(
  db: Executor,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<DemandRow | undefined> {
  const lock = opts.forUpdate ? sql` for update of d` : sql``;
  const [row] = await query<DemandRow>(db, sql`${SELECT} where d.id = ${id}${lock}`);
  return row;
}

/** Demands matching `where` (over `d`, `j`), most urgent first. */
export function listDemands(db: Executor, where: SQL, limit: number): Promise<DemandRow[]> {
  return query<DemandRow>(
    db,
    sql`${SELECT} where ${where} order by d.level, d.deadline_at, d.created_at limit ${limit}`,
  );
}

/** Sets a demand's status (and who confirmed it / when it closed). */
export async function setDemandStatus(
  db: Executor,
  id: string,
  status: string,
  e: { by?: string; at: Date },
): Promise<void> {
  const extra =
    status === 'open' && e.by
      ? sql`, confirmed_by = ${e.by}, confirmed_at = ${e.at.toISOString()}`
      : status === 'closed' || status === 'cancelled'
        ? sql`, closed_at = ${e.at.toISOString()}`
        : sql``;
  await db.execute(sql`update deployment_demands set status = ${status}${extra} where id = ${id}`);
}
