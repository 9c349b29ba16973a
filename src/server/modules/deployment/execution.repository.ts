/** SQL for executing deployment plans: issuing, assignment stages, tracking positions, hand-over, release. */
import { sql } from 'drizzle-orm';
import { query, type Executor } from '../../db/client.ts';
import type { AssignmentStatus } from './execution.lifecycle.ts';

/** An assignment with its officer (home station, login, unit), home county and demand. */
export interface AssignmentRow extends Record<string, unknown> {
  id: string;
  plan_id: string;
  demand_id: string;
  officer_id: string;
  slot: string;
  eta_sec: number;
  status: AssignmentStatus;
  ordered_at: Date | string | null;
  acknowledged_at: Date | string | null;
  arrived_at: Date | string | null;
  handed_over_at: Date | string | null;
  released_at: Date | string | null;
  duty_minutes: number | null;
  points: string | number | null;
  allowance: string | number | null;
  grant_id: string | null;
  officer_name: string;
  police_number: string;
  officer_user_id: string | null;
  officer_unit_id: string | null;
  officer_station_id: string;
  officer_path: string;
  home_region_id: string;
  home_region_name: string;
  demand_code: string;
  demand_title: string;
  demand_type: string;
  demand_level: number;
  demand_status: string;
  demand_jurisdiction_id: string;
  demand_path: string;
  demand_lon: number;
  demand_lat: number;
  meeting_point: string | null;
  deadline_at: Date | string;
  expected_duration_min: number;
  surveyed: boolean;
}

const SELECT = sql`
  select a.*, o.name as officer_name, o.police_number, o.user_id as officer_user_id, o.unit_id as officer_unit_id,
         o.jurisdiction_id as officer_station_id, oj.path as officer_path,
         coalesce(hc.id, oj.id) as home_region_id, coalesce(hc.name, oj.name) as home_region_name,
         d.code as demand_code, d.title as demand_title, d.type as demand_type, d.level as demand_level,
         d.status as demand_status, d.jurisdiction_id as demand_jurisdiction_id, dj.path as demand_path,
         d.lon as demand_lon, d.lat as demand_lat, d.meeting_point, d.deadline_at, d.expected_duration_min,
         exists (select 1 from deployment_surveys s where s.assignment_id = a.id) as surveyed
    from deployment_assignments a
    join officers o on o.id = a.officer_id
    join jurisdictions oj on oj.id = o.jurisdiction_id
    left join lateral (select c.id, c.name from jurisdictions c
                        where c.level = 'county' and oj.path like c.path || '%' limit 1) hc on true
    join deployment_demands d on d.id = a.demand_id
    join jurisdictions dj on dj.id = d.jurisdiction_id`;

/** One assignment, optionally locked. */
export async function findAssignment(
  db: Executor,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<AssignmentRow | null> {
  const rows = await query<AssignmentRow>(
    db,
    sql`${SELECT} where a.id = ${id} ${opts.forUpdate ? sql`for update of a` : sql``}`,
  );
  return rows[0] ?? null;
}

/** A demand's assignments past the proposal (ordered or later, cancelled included), in ETA order. */
export function assignmentsOfDemand(db: Executor, demandId: string): Promise<AssignmentRow[]> {
  return query<AssignmentRow>(
    db,
    sql`${SELECT} where a.demand_id = ${demandId} and a.status <> 'proposed' order by a.eta_sec, o.police_number`,
  );
}

/** Assignments with the given ids, in ETA order. */
export function assignmentsByIds(db: Executor, ids: readonly string[]): Promise<AssignmentRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return query<AssignmentRow>(
    db,
    sql`${SELECT} where a.id = any(${`{${ids.join(',')}}`}::text[]) order by a.eta_sec, o.police_number`,
  );
}

/** The assignments of the officer whose login is `userId`: live ones first, then the latest finished ones. */
export function assignmentsOfUser(db: Executor, userId: string, limit = 50): Promise<AssignmentRow[]> {
  return query<AssignmentRow>(
    db,
    sql`${SELECT} where o.user_id = ${userId} and a.status not in ('proposed', 'cancelled')
        order by (a.status = 'released'), a.ordered_at desc nulls last limit ${limit}`,
  );
}

export interface PlanRow extends Record<string, unknown> {
  id: string;
  status: string;
  demand_ids: string[];
  issued_at: Date | string | null;
  emergency: boolean;
}

/** A plan, locked for the issue. */
export async function lockPlan(db: Executor, planId: string): Promise<PlanRow | null> {
  const rows = await query<PlanRow>(
    db,
    sql`select id, status, demand_ids, issued_at, emergency from deployment_plans where id = ${planId} for update`,
  );
  return rows[0] ?? null;
}

/** Officers of the plan's proposed assignments who are already on another live assignment. */
export function busyOfficers(db: Executor, planId: string): Promise<{ officer_id: string; assignment_id: string }[]> {
  return query(
    db,
    sql`select p.officer_id, l.id as assignment_id
          from deployment_assignments p
          join deployment_assignments l on l.officer_id = p.officer_id and l.id <> p.id
           and l.status in ('ordered', 'acknowledged', 'en_route', 'arrived', 'handed_over')
         where p.plan_id = ${planId} and p.status = 'proposed'`,
  );
}

/** Marks the plan issued (keeping an earlier issue time) and orders its proposed assignments. */
export async function issuePlanRows(
  db: Executor,
  planId: string,
  at: Date,
): Promise<{ id: string; demand_id: string; officer_id: string }[]> {
  await db.execute(
    sql`update deployment_plans set status = 'issued', issued_at = coalesce(issued_at, ${at.toISOString()}::timestamptz)
         where id = ${planId}`,
  );
  return query(
    db,
    sql`update deployment_assignments set status = 'ordered', ordered_at = ${at.toISOString()}::timestamptz
         where plan_id = ${planId} and status = 'proposed' returning id, demand_id, officer_id`,
  );
}

/** Moves the demands not yet executing (open, planned, approved) to executing; returns those moved. */
export function demandsToExecuting(
  db: Executor,
  demandIds: readonly string[],
): Promise<{ id: string; status: string; path: string }[]> {
  if (demandIds.length === 0) return Promise.resolve([]);
  return query(
    db,
    sql`update deployment_demands d set status = 'executing' from jurisdictions j
         where j.id = d.jurisdiction_id and d.id = any(${`{${demandIds.join(',')}}`}::text[])
           and d.status in ('open', 'planned', 'approved')
        returning d.id, d.status, j.path`,
  );
}

/**
 * Sets the officers' duty status to deployed (creating their duty row when absent). The shift an officer was on
 * so far is folded into `duty_minutes_today` (and `duty_started_at` cleared), since the pools count the running
 * shift only while on duty; the deployment itself is added at release. So the 12-hour cap sees both.
 */
export async function markDeployed(db: Executor, officerIds: readonly string[], at: Date): Promise<void> {
  if (officerIds.length === 0) return;
  const ts = sql`${at.toISOString()}::timestamptz`;
  await db.execute(
    sql`insert into officer_duty (officer_id, status, updated_at)
        select x, 'deployed', ${ts} from unnest(${`{${officerIds.join(',')}}`}::text[]) x
        on conflict (officer_id) do update set status = 'deployed',
          duty_minutes_today = officer_duty.duty_minutes_today
            + case when officer_duty.status = 'on_duty' and officer_duty.duty_started_at is not null
                   then greatest(0, floor(extract(epoch from (${ts} - officer_duty.duty_started_at)) / 60))::int
                   else 0 end,
          duty_started_at = null,
          updated_at = excluded.updated_at`,
  );
}

/** Moves an assignment to a reported stage; the acknowledgement (and arrival) times are kept once set. */
export async function setStage(
  db: Executor,
  id: string,
  to: 'acknowledged' | 'en_route' | 'arrived',
  at: Date,
): Promise<void> {
  const ts = at.toISOString();
  await db.execute(
    sql`update deployment_assignments
           set status = ${to}, acknowledged_at = coalesce(acknowledged_at, ${ts}::timestamptz),
               arrived_at = ${to === 'arrived' ? sql`coalesce(arrived_at, ${ts}::timestamptz)` : sql`arrived_at`}
         where id = ${id}`,
  );
}

/** The officers' latest AVL fix (through their unit) and their home station's location. */
export interface PositionRow extends Record<string, unknown> {
  officer_id: string;
  avl_lon: number | null;
  avl_lat: number | null;
  avl_at: Date | string | null;
  station_lon: string | number | null;
  station_lat: string | number | null;
}

/** Positions for tracking: the unit's latest fix, else the home station. */
export function officerPositions(db: Executor, officerIds: readonly string[]): Promise<PositionRow[]> {
  if (officerIds.length === 0) return Promise.resolve([]);
  return query<PositionRow>(
    db,
    sql`select o.id as officer_id, p.lon as avl_lon, p.lat as avl_lat, p.recorded_at as avl_at,
               s.lon as station_lon, s.lat as station_lat
          from officers o
          left join unit_positions p on p.unit_id = o.unit_id
          left join stations s on s.id = o.jurisdiction_id
         where o.id = any(${`{${officerIds.join(',')}}`}::text[])`,
  );
}

/** Hands over the demand's arrived assignments; returns their ids. */
export async function handOverArrived(db: Executor, demandId: string, at: Date): Promise<string[]> {
  const rows = await query<{ id: string }>(
    db,
    sql`update deployment_assignments set status = 'handed_over', handed_over_at = ${at.toISOString()}::timestamptz
         where demand_id = ${demandId} and status = 'arrived' returning id`,
  );
  return rows.map((r) => r.id);
}

/** Records the task grant made for an assignment at hand-over. */
export async function setGrant(db: Executor, assignmentId: string, grantId: string): Promise<void> {
  await db.execute(sql`update deployment_assignments set grant_id = ${grantId} where id = ${assignmentId}`);
}

/** The demand's live assignments, locked for the release. */
export function lockLiveAssignments(db: Executor, demandId: string): Promise<{ id: string }[]> {
  return query(
    db,
    sql`select id from deployment_assignments
         where demand_id = ${demandId} and status in ('ordered', 'acknowledged', 'en_route', 'arrived', 'handed_over')
         order by id for update`,
  );
}

/** Books a released assignment. */
export async function releaseAssignment(
  db: Executor,
  id: string,
  b: { at: Date; dutyMinutes: number; points: number; allowance: number },
): Promise<void> {
  await db.execute(
    sql`update deployment_assignments set status = 'released', released_at = ${b.at.toISOString()}::timestamptz,
               duty_minutes = ${b.dutyMinutes}, points = ${b.points}, allowance = ${b.allowance}
         where id = ${id}`,
  );
}

/** Books a release on the officer's duty row: resting, points, last deployment, count, duty minutes today. */
export async function bookDuty(
  db: Executor,
  officerId: string,
  b: { at: Date; dutyMinutes: number; points: number },
): Promise<void> {
  const ts = b.at.toISOString();
  await db.execute(
    sql`insert into officer_duty (officer_id, status, task_points, last_deployed_at, deployments_30d, duty_minutes_today, updated_at)
        values (${officerId}, 'resting', ${b.points}, ${ts}::timestamptz, 1, ${b.dutyMinutes}, ${ts}::timestamptz)
        on conflict (officer_id) do update set status = 'resting',
          task_points = officer_duty.task_points + excluded.task_points,
          last_deployed_at = excluded.last_deployed_at,
          deployments_30d = officer_duty.deployments_30d + 1,
          duty_minutes_today = officer_duty.duty_minutes_today + excluded.duty_minutes_today,
          updated_at = excluded.updated_at`,
  );
}

/** Revokes every grant of the task (`deployment:<demandId>`) still in force; returns how many. */
export async function revokeTaskGrants(db: Executor, taskRef: string, at: Date): Promise<number> {
  const rows = await query<{ id: string }>(
    db,
    sql`update task_grants set revoked_at = ${at.toISOString()}::timestamptz
         where task_ref = ${taskRef} and revoked_at is null returning id`,
  );
  return rows.length;
}

/** Closes the demand. */
export async function closeDemand(db: Executor, demandId: string, at: Date): Promise<void> {
  await db.execute(
    sql`update deployment_demands set status = 'closed', closed_at = ${at.toISOString()}::timestamptz where id = ${demandId}`,
  );
}

/** Completes the issued plans of the demand whose demands are all closed or cancelled; returns their ids. */
export async function completePlans(db: Executor, demandId: string): Promise<string[]> {
  const rows = await query<{ id: string }>(
    db,
    sql`update deployment_plans p set status = 'completed'
         where p.status = 'issued' and ${demandId} = any(p.demand_ids)
           and not exists (select 1 from deployment_demands d
                            where d.id = any(p.demand_ids) and d.status not in ('closed', 'cancelled'))
        returning p.id`,
  );
  return rows.map((r) => r.id);
}

/** Stores an officer's survey once; false when one exists already. */
export async function insertSurvey(
  db: Executor,
  s: { assignmentId: string; rating: number; comment: string | null; at: Date },
): Promise<boolean> {
  const rows = await query<{ assignment_id: string }>(
    db,
    sql`insert into deployment_surveys (assignment_id, rating, comment, created_at)
        values (${s.assignmentId}, ${s.rating}, ${s.comment}, ${s.at.toISOString()}::timestamptz)
        on conflict (assignment_id) do nothing returning assignment_id`,
  );
  return rows.length === 1;
}

export interface LogisticsRow extends Record<string, unknown> {
  demand_id: string;
  meals: boolean;
  lodging: boolean;
  medical: boolean;
  note: string | null;
  updated_at: Date | string;
}

/** Records (or replaces) the logistics of a demand. */
export async function upsertLogistics(
  db: Executor,
  l: {
    demandId: string;
    meals: boolean;
    lodging: boolean;
    medical: boolean;
    note: string | null;
    by: string;
    at: Date;
  },
): Promise<LogisticsRow> {
  const [row] = await query<LogisticsRow>(
    db,
    sql`insert into deployment_logistics (demand_id, meals, lodging, medical, note, updated_by, updated_at)
        values (${l.demandId}, ${l.meals}, ${l.lodging}, ${l.medical}, ${l.note}, ${l.by}, ${l.at.toISOString()}::timestamptz)
        on conflict (demand_id) do update set meals = excluded.meals, lodging = excluded.lodging,
          medical = excluded.medical, note = excluded.note, updated_by = excluded.updated_by,
          updated_at = excluded.updated_at
        returning demand_id, meals, lodging, medical, note, updated_at`,
  );
  return row!;
}
