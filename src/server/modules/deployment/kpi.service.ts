/**
 * Loads what the KPIs need for a scope (a jurisdiction subtree) and a window [from, to) of demand creation
 * times, and computes them with kpi.ts. The six indicators cover demands *received* in the scope; the balance of
 * help also counts demands elsewhere served by the scope's officers. Reading needs deployment.read over the
 * scope (a task grant does not reach KPIs: they span tasks).
 */
import { sql, type SQL } from 'drizzle-orm';
import { query, type Executor } from '../../db/client.ts';
import type { RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { authorize } from '../policy/policy.ts';
import { computeKpis, type KpiAssignment, type KpiDemand, type KpiEquipment, type Kpis } from './kpi.ts';

/** The longest window one request may ask for. */
export const KPI_MAX_DAYS = 366;
/** The window when none is given: the last 30 days. */
export const KPI_DEFAULT_DAYS = 30;

export interface KpiReport extends Kpis {
  jurisdictionId: string;
  from: string;
  to: string;
}

interface DemandRow extends Record<string, unknown> {
  id: string;
  jurisdiction_id: string;
  level: number;
  status: string;
  created_at: Date | string;
  incident_id: string | null;
  incident_closed: boolean | null;
  meals: boolean | null;
  lodging: boolean | null;
  medical: boolean | null;
  received: boolean;
}

async function loadDemands(db: Executor, scope: string, from: Date, to: Date): Promise<DemandRow[]> {
  return query<DemandRow>(
    db,
    sql`select d.id, d.jurisdiction_id, d.level, d.status, d.created_at, d.incident_id,
               (i.status = 'closed') as incident_closed, l.meals, l.lodging, l.medical,
               (dj.path like ${scope} || '%') as received
          from deployment_demands d
          join jurisdictions dj on dj.id = d.jurisdiction_id
          left join incidents i on i.id = d.incident_id
          left join deployment_logistics l on l.demand_id = d.id
         where d.created_at >= ${from.toISOString()}::timestamptz and d.created_at < ${to.toISOString()}::timestamptz
           and d.status not in ('draft', 'cancelled')
           and (dj.path like ${scope} || '%'
                or exists (select 1 from deployment_assignments a join officers o on o.id = a.officer_id
                             join jurisdictions oj on oj.id = o.jurisdiction_id
                            where a.demand_id = d.id and a.ordered_at is not null and oj.path like ${scope} || '%'))`,
  );
}

async function loadAssignments(db: Executor, demandIds: readonly string[]): Promise<KpiAssignment[]> {
  if (demandIds.length === 0) return [];
  const rows = await query<{
    id: string;
    demand_id: string;
    officer_id: string;
    home_region_id: string;
    status: string;
    ordered_at: Date | string | null;
    arrived_at: Date | string | null;
    duty_minutes: number | null;
    rating: number | null;
  }>(
    db,
    sql`select a.id, a.demand_id, a.officer_id, coalesce(hc.id, oj.id) as home_region_id, a.status, a.ordered_at,
               a.arrived_at, a.duty_minutes, s.rating
          from deployment_assignments a
          join officers o on o.id = a.officer_id
          join jurisdictions oj on oj.id = o.jurisdiction_id
          left join lateral (select c.id from jurisdictions c
                              where c.level = 'county' and oj.path like c.path || '%' limit 1) hc on true
          left join deployment_surveys s on s.assignment_id = a.id
         where a.demand_id = any(${`{${demandIds.join(',')}}`}::text[])`,
  );
  return rows.map((r) => ({
    id: r.id,
    demandId: r.demand_id,
    officerId: r.officer_id,
    homeRegionId: r.home_region_id,
    status: r.status,
    orderedAt: r.ordered_at === null ? null : new Date(r.ordered_at),
    arrivedAt: r.arrived_at === null ? null : new Date(r.arrived_at),
    dutyMinutes: r.duty_minutes === null ? null : Number(r.duty_minutes),
    rating: r.rating === null ? null : Number(r.rating),
  }));
}

/** Equipment lent under issued (or completed) plans, with the standard the receiving region uses for its kind. */
async function loadEquipment(db: Executor, demandIds: readonly string[]): Promise<KpiEquipment[]> {
  if (demandIds.length === 0) return [];
  const rows = await query<{ demand_id: string; kind: string; standard: string | null; receiving: string | null }>(
    db,
    sql`select de.demand_id, e.kind, e.standard,
               (select mode() within group (order by x.standard) from equipment x
                  join jurisdictions xj on xj.id = x.jurisdiction_id
                 where x.kind = e.kind and x.standard is not null and xj.path like dj.path || '%') as receiving
          from deployment_equipment de
          join deployment_plans p on p.id = de.plan_id and p.status in ('issued', 'completed')
          join equipment e on e.id = de.equipment_id
          join deployment_demands d on d.id = de.demand_id
          join jurisdictions dj on dj.id = d.jurisdiction_id
         where de.demand_id = any(${`{${demandIds.join(',')}}`}::text[])`,
  );
  return rows.map((r) => ({
    demandId: r.demand_id,
    kind: r.kind,
    standard: r.standard,
    receivingStandard: r.receiving,
  }));
}

async function count(db: Executor, q: SQL): Promise<number> {
  const [r] = await query<{ n: number | string | null }>(db, q);
  return Number(r?.n ?? 0);
}

/** The KPIs of a scope and window (see kpi.ts for the definitions). */
export async function deploymentKpis(
  ctx: RequestContext,
  q: { jurisdictionId: string; from?: string; to?: string },
): Promise<KpiReport> {
  const [j] = await query<{ path: string }>(ctx.db, sql`select path from jurisdictions where id = ${q.jurisdictionId}`);
  if (!j) {
    throw new AppError('JURISDICTION_NOT_FOUND', 'No such jurisdiction; check jurisdictionId.', {
      jurisdictionId: q.jurisdictionId,
    });
  }
  authorize(ctx, 'deployment.read', { type: 'deployment', jurisdictionPath: j.path });
  const to = q.to ? new Date(q.to) : ctx.now();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - KPI_DEFAULT_DAYS * 86_400_000);
  if (!(from < to) || to.getTime() - from.getTime() > KPI_MAX_DAYS * 86_400_000) {
    throw new AppError('KPI_RANGE_INVALID', `Give from < to, at most ${KPI_MAX_DAYS} days apart.`, {
      from: from.toISOString(),
      to: to.toISOString(),
      maxDays: KPI_MAX_DAYS,
    });
  }
  const scope = j.path;
  const demandRows = await loadDemands(ctx.db, scope, from, to);
  const demands: (KpiDemand & { received: boolean })[] = demandRows.map((d) => ({
    id: d.id,
    regionId: d.jurisdiction_id,
    level: Number(d.level),
    status: d.status,
    createdAt: new Date(d.created_at),
    incidentId: d.incident_id,
    incidentClosed: d.incident_closed,
    logistics: d.meals === null ? null : { meals: d.meals, lodging: d.lodging!, medical: d.medical! },
    received: d.received,
  }));
  const received = demands.filter((d) => d.received);
  const receivedIds = new Set(received.map((d) => d.id));
  const assignments = await loadAssignments(
    ctx.db,
    demands.map((d) => d.id),
  );
  const equipment = await loadEquipment(ctx.db, [...receivedIds]);
  // Utilisation: distinct officers of the scope ordered in the window ÷ (active officers of the scope − the
  // minimum cover of the scope's counties, which may never be lent).
  const deployedOfficers = await count(
    ctx.db,
    sql`select count(distinct a.officer_id) as n from deployment_assignments a
          join officers o on o.id = a.officer_id join jurisdictions oj on oj.id = o.jurisdiction_id
         where oj.path like ${scope} || '%' and a.ordered_at >= ${from.toISOString()}::timestamptz
           and a.ordered_at < ${to.toISOString()}::timestamptz and a.status <> 'proposed'`,
  );
  const active = await count(
    ctx.db,
    sql`select count(*) as n from officers o join jurisdictions oj on oj.id = o.jurisdiction_id
         where o.status = 'active' and oj.path like ${scope} || '%'`,
  );
  const cover = await count(
    ctx.db,
    sql`select coalesce(sum(rc.min_officers), 0) as n from region_cover rc
          join jurisdictions rj on rj.id = rc.jurisdiction_id
         where rj.level = 'county' and rj.path like ${scope} || '%'`,
  );
  const kpis = computeKpis({
    demands: received,
    assignments: assignments.filter((a) => receivedIds.has(a.demandId)),
    equipment,
    deployedOfficers,
    deployableOfficers: Math.max(0, active - cover),
  });
  // The balance counts help in both directions across the scope's border.
  const balance = computeKpis({
    demands,
    assignments,
    equipment: [],
    deployedOfficers: 0,
    deployableOfficers: 0,
  }).balance;
  return { ...kpis, balance, jurisdictionId: q.jurisdictionId, from: from.toISOString(), to: to.toISOString() };
}
