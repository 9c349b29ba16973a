/**
 * Plans: all open demands matched together against every eligible officer the planner may use. The service
 * turns the database into a `MatchInstance` (eligibility from the pools, road ETAs from one reverse search per
 * demand, regional cover), hands it to the solver (matching/, HiGHS in a worker thread), picks equipment, and
 * stores the proposed plan with its explanations. What-if re-plans the same demands with the planner's
 * adjustments (pins, removals, head-count, cover) and supersedes the earlier proposal. Submitting opens the
 * tiered approval (approval.service.ts).
 */
import { sql } from 'drizzle-orm';
import { recordAudit, transaction, type RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { query } from '../../db/client.ts';
import { authorize, can } from '../policy/policy.ts';
import { etasTo, haversineM } from '../geo/index.ts';
import { geoState } from '../geo/geo.state.ts';
import { MatchInputError, SolverUnavailableError, solvePlan } from './matching/index.ts';
import type { MatchAdjustments, MatchDemand, MatchInstance, MatchOfficer, MatchPlan } from './matching/model.ts';
import { DUTY_CAP_MIN } from './pool.eligibility.ts';
import { loadPoolOfficers, minCoverByRegion, type PoolOfficer } from './pool.service.ts';
import { equipmentRows } from './pool.repository.ts';
import { policyFilter } from '../policy/policy.filter.ts';
import { demandResource, getDemand, presentDemand } from './demand.service.ts';
import { findDemand, listDemands, type DemandRow } from './demand.repository.ts';
import { openApprovals } from './approval.service.ts';
import type { DeploymentEvent } from './approval.events.ts';

export interface PlanAssignmentView {
  id: string;
  officerId: string;
  officerName: string;
  policeNumber: string;
  regionId: string;
  demandId: string;
  slot: string;
  etaSec: number;
  reason: string;
  status: string;
}

export interface PlanView {
  id: string;
  status: string;
  demandIds: string[];
  requiredApproval: string;
  emergency: boolean;
  objective: number | null;
  method: string | null;
  solveMs: number | null;
  assignments: PlanAssignmentView[];
  shortfalls: MatchPlan['shortfalls'];
  cover: MatchPlan['cover'];
  passedOver: MatchPlan['passedOver'];
  rejectedPins: NonNullable<MatchPlan['rejectedPins']>;
  equipment: { demandId: string; equipmentId: string; kind: string; standard: string | null }[];
  equipmentShortfalls: { demandId: string; kind: string; missing: number }[];
  adjustments: MatchAdjustments;
  timings: { loadMs: number; etaMs: number; solveMs: number; totalMs: number };
  createdAt: string;
}

/** Arrival horizon of the road search: no deadline is farther than this. */
const ETA_HORIZON_SEC = 4 * 3600;

interface Built {
  instance: MatchInstance;
  officers: PoolOfficer[];
  demands: DemandRow[];
  loadMs: number;
  etaMs: number;
}

/** Builds the matching instance for `demands` from the pools the actor may use. */
async function buildInstance(ctx: RequestContext, demands: DemandRow[], adjustments: MatchAdjustments): Promise<Built> {
  const t0 = performance.now();
  const now = ctx.now();
  const all = await loadPoolOfficers(ctx);
  const regionsAll = await minCoverByRegion(ctx, all);
  const officers = all.filter((o) => o.eligibility.eligible && o.position !== null);
  const t1 = performance.now();
  const state = await geoState(ctx.db);
  // One reverse search per demand; officers at the same spot (a station) share one snap.
  const spots = new Map<string, { lon: number; lat: number }>();
  const spotOf = officers.map((o) => {
    const key = `${o.position!.lon.toFixed(6)},${o.position!.lat.toFixed(6)}`;
    if (!spots.has(key)) spots.set(key, { lon: o.position!.lon, lat: o.position!.lat });
    return key;
  });
  const spotKeys = [...spots.keys()];
  const spotIndex = new Map(spotKeys.map((k, i) => [k, i]));
  const eta = new Float64Array(officers.length * demands.length).fill(Infinity);
  demands.forEach((d, j) => {
    const { etas } = etasTo(
      state.network,
      { lon: Number(d.lon), lat: Number(d.lat) },
      spotKeys.map((k) => spots.get(k)!),
      { departAt: now, horizonSec: ETA_HORIZON_SEC },
    );
    officers.forEach((_, i) => {
      eta[i * demands.length + j] = etas[spotIndex.get(spotOf[i]!)!]!.etaSec;
    });
  });
  const t2 = performance.now();
  const matchOfficers: MatchOfficer[] = officers.map((o) => ({
    id: o.id,
    regionId: o.regionId,
    skills: o.eligibility.skills,
    dutyMinutesToday: o.eligibility.dutyMinutes,
    taskPoints: o.taskPoints,
    recentDeployments: o.deployments30d,
  }));
  const matchDemands: MatchDemand[] = demands.map((d) => ({
    id: d.id,
    regionId: d.jurisdiction_id,
    level: Number(d.level) as 1 | 2 | 3 | 4,
    headcount: Number(d.headcount),
    skills: presentDemand(d).requiredSkills,
    deadlineSec: Math.max(0, (new Date(d.deadline_at).getTime() - now.getTime()) / 1000),
    expectedDurationMin: Number(d.expected_duration_min),
  }));
  const regions: MatchInstance['regions'] = Object.fromEntries(
    [...regionsAll.entries()].map(([id, r]) => [id, { available: r.available, minCover: r.minCover }]),
  );
  return {
    instance: {
      officers: matchOfficers,
      demands: matchDemands,
      eta,
      regions,
      dutyCapMin: DUTY_CAP_MIN,
      adjustments,
    },
    officers,
    demands,
    loadMs: t1 - t0,
    etaMs: t2 - t1,
  };
}

/** Picks equipment for each demand: available, not held by a live plan, of the kind (and standard), nearest. */
async function pickEquipment(ctx: RequestContext, demands: DemandRow[]) {
  const scope = policyFilter(ctx.actor!, 'deployment.read', { path: sql`j.path` }, { now: ctx.now() });
  const rows = (await equipmentRows(ctx.db, scope)).filter((e) => e.status === 'available' && !e.committed);
  const used = new Set<string>();
  const picks: PlanView['equipment'] = [];
  const shortfalls: PlanView['equipmentShortfalls'] = [];
  for (const d of demands) {
    for (const need of presentDemand(d).requiredEquipment) {
      const fits = rows
        .filter((e) => !used.has(e.id) && e.kind === need.kind && (!need.standard || e.standard === need.standard))
        .map((e) => ({
          e,
          dist:
            e.lon === null || e.lat === null
              ? Infinity
              : haversineM(Number(e.lon), Number(e.lat), Number(d.lon), Number(d.lat)),
        }))
        .sort((a, b) => a.dist - b.dist)
        .slice(0, need.count);
      for (const f of fits) {
        used.add(f.e.id);
        picks.push({ demandId: d.id, equipmentId: f.e.id, kind: f.e.kind, standard: f.e.standard });
      }
      if (fits.length < need.count)
        shortfalls.push({ demandId: d.id, kind: need.kind, missing: need.count - fits.length });
    }
  }
  return { picks, shortfalls };
}

/** The demands a plan covers: the given ones, or every open/planned demand the actor may request for. */
async function demandsToPlan(ctx: RequestContext, ids: string[] | undefined): Promise<DemandRow[]> {
  const now = ctx.now();
  let demands: DemandRow[];
  if (ids && ids.length) {
    demands = [];
    for (const id of [...new Set(ids)]) demands.push(await getDemand(ctx, id));
  } else {
    const where = policyFilter(ctx.actor!, 'deployment.request', { path: sql`j.path` }, { now });
    demands = await listDemands(ctx.db, sql`${where} and d.status in ('open', 'planned')`, 200);
  }
  for (const d of demands) {
    authorize(ctx, 'deployment.request', demandResource(d));
    if (d.status !== 'open' && d.status !== 'planned') {
      throw new AppError('DEMAND_BAD_STATE', `Demand ${d.code} is ${d.status}; only open demands are planned.`, {
        demandId: d.id,
        status: d.status,
      });
    }
  }
  if (demands.length === 0) {
    throw new AppError('DEMAND_BAD_STATE', 'There is no open demand to plan for.', { status: 'none' });
  }
  return demands;
}

interface PlanRow extends Record<string, unknown> {
  id: string;
  status: string;
  demand_ids: string[] | string;
  required_approval: string;
  emergency: boolean;
  objective: number | null;
  method: string | null;
  solve_ms: number | null;
  summary: Record<string, unknown> | string;
  adjustments: MatchAdjustments | string;
  created_by: string;
  created_at: Date | string;
}

const arr = (v: string[] | string): string[] =>
  Array.isArray(v)
    ? v
    : v
        .replace(/^\{|\}$/g, '')
        .split(',')
        .filter(Boolean);
const obj = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

async function loadPlanView(ctx: RequestContext, id: string): Promise<PlanView> {
  const [p] = await query<PlanRow>(ctx.db, sql`select * from deployment_plans where id = ${id}`);
  if (!p) throw new AppError('PLAN_NOT_FOUND', 'No such deployment plan; check the id.', { id });
  const assignments = await query<{
    id: string;
    officer_id: string;
    name: string;
    police_number: string;
    path: string;
    demand_id: string;
    slot: string;
    eta_sec: number;
    reason: string;
    status: string;
  }>(
    ctx.db,
    sql`select a.id, a.officer_id, o.name, o.police_number, j.path, a.demand_id, a.slot, a.eta_sec, a.reason, a.status
          from deployment_assignments a join officers o on o.id = a.officer_id
          join jurisdictions j on j.id = o.jurisdiction_id
         where a.plan_id = ${id} order by a.demand_id, a.eta_sec, a.officer_id`,
  );
  const equipment = await query<{ demand_id: string; equipment_id: string; kind: string; standard: string | null }>(
    ctx.db,
    sql`select de.demand_id, de.equipment_id, e.kind, e.standard from deployment_equipment de
          join equipment e on e.id = de.equipment_id where de.plan_id = ${id} order by de.demand_id, e.kind, e.id`,
  );
  const summary = obj(p.summary) as Record<string, never>;
  return {
    id: p.id,
    status: p.status,
    demandIds: arr(p.demand_ids),
    requiredApproval: p.required_approval,
    emergency: p.emergency,
    objective: p.objective === null ? null : Number(p.objective),
    method: p.method,
    solveMs: p.solve_ms === null ? null : Number(p.solve_ms),
    assignments: assignments.map((a) => ({
      id: a.id,
      officerId: a.officer_id,
      officerName: a.name,
      policeNumber: a.police_number,
      regionId: a.path.split('/').filter(Boolean)[2] ?? '',
      demandId: a.demand_id,
      slot: a.slot,
      etaSec: Number(a.eta_sec),
      reason: a.reason,
      status: a.status,
    })),
    shortfalls: summary.shortfalls ?? [],
    cover: summary.cover ?? {},
    passedOver: summary.passedOver ?? [],
    rejectedPins: summary.rejectedPins ?? [],
    equipment: equipment.map((e) => ({
      demandId: e.demand_id,
      equipmentId: e.equipment_id,
      kind: e.kind,
      standard: e.standard,
    })),
    equipmentShortfalls: summary.equipmentShortfalls ?? [],
    adjustments: obj(p.adjustments),
    timings: summary.timings ?? { loadMs: 0, etaMs: 0, solveMs: 0, totalMs: 0 },
    createdAt: new Date(p.created_at).toISOString(),
  };
}

/** A plan the actor may see (through its demands), else PLAN_NOT_FOUND. */
export async function getPlan(ctx: RequestContext, id: string): Promise<PlanView> {
  const view = await loadPlanView(ctx, id);
  for (const d of view.demandIds) {
    const row = await findDemand(ctx.db, d);
    if (!row || !can(ctx.actor, 'deployment.read', demandResource(row), { now: ctx.now() })) {
      throw new AppError('PLAN_NOT_FOUND', 'No such deployment plan; check the id.', { id });
    }
  }
  return view;
}

/**
 * Proposes a plan for the demands (all open ones by default) with the planner's adjustments. Earlier proposals
 * for the same demands are superseded; the demands become `planned`.
 */
export async function proposePlan(
  ctx: RequestContext,
  body: { demandIds?: string[]; adjustments?: MatchAdjustments },
): Promise<{ plan: PlanView; events: DeploymentEvent[] }> {
  if (!ctx.actor) throw new AppError('UNAUTHENTICATED', 'Log in first: send Authorization: Bearer <token>.');
  const started = performance.now();
  const demands = await demandsToPlan(ctx, body.demandIds);
  const adjustments = body.adjustments ?? {};
  const built = await buildInstance(ctx, demands, adjustments);
  const s0 = performance.now();
  let plan: MatchPlan;
  try {
    plan = await solvePlan(built.instance);
  } catch (e) {
    if (e instanceof MatchInputError) {
      throw new AppError('VALIDATION_FAILED', e.message, { in: 'body', field: 'adjustments' });
    }
    if (e instanceof SolverUnavailableError) {
      throw new AppError('SOLVER_UNAVAILABLE', 'The planner did not answer in time; try again.', {});
    }
    throw e;
  }
  const solveMs = performance.now() - s0;
  const equipment = await pickEquipment(ctx, demands);
  const id = await transaction(ctx, async (tx) => {
    const now = tx.now();
    const actorId = tx.actor!.userId;
    const demandIds = demands.map((d) => d.id);
    const requiredApproval = demands.some((d) => Number(d.level) <= 2) ? 'province' : 'city';
    const superseded = await query<{ id: string }>(
      tx.db,
      sql`update deployment_plans set status = 'superseded'
           where status = 'proposed' and demand_ids && ${sql`array[${sql.join(
             demandIds.map((d) => sql`${d}`),
             sql`, `,
           )}]::text[]`} returning id`,
    );
    const summary = {
      shortfalls: plan.shortfalls,
      cover: plan.cover,
      passedOver: plan.passedOver.slice(0, 200),
      rejectedPins: plan.rejectedPins ?? [],
      equipmentShortfalls: equipment.shortfalls,
      gap: plan.gap,
      timings: {
        loadMs: Math.round(built.loadMs),
        etaMs: Math.round(built.etaMs),
        solveMs: Math.round(solveMs),
        totalMs: Math.round(performance.now() - started),
      },
    };
    const [row] = await query<{ id: string }>(
      tx.db,
      sql`insert into deployment_plans (status, demand_ids, required_approval, objective, method, solve_ms, summary,
            adjustments, created_by, created_at)
          values ('proposed', ${sql`array[${sql.join(
            demandIds.map((d) => sql`${d}`),
            sql`, `,
          )}]::text[]`}, ${requiredApproval}, ${Number.isFinite(plan.objective) ? plan.objective : null},
            ${plan.method}, ${plan.solveMs}, ${JSON.stringify(summary)}::jsonb, ${JSON.stringify(adjustments)}::jsonb,
            ${actorId}, ${now.toISOString()})
          returning id`,
    );
    const planId = row!.id;
    if (plan.assignments.length) {
      await tx.db.execute(
        sql`insert into deployment_assignments (plan_id, demand_id, officer_id, slot, eta_sec, reason, status)
            select ${planId}, x->>'demandId', x->>'officerId', x->>'slot', round((x->>'etaSec')::float8)::int,
                   x->>'reason', 'proposed'
              from jsonb_array_elements(${JSON.stringify(plan.assignments)}::jsonb) x`,
      );
    }
    for (const e of equipment.picks) {
      await tx.db.execute(
        sql`insert into deployment_equipment (plan_id, demand_id, equipment_id)
            values (${planId}, ${e.demandId}, ${e.equipmentId})`,
      );
    }
    await tx.db.execute(
      sql`update deployment_demands set status = 'planned' where status = 'open' and id in (${sql.join(
        demandIds.map((d) => sql`${d}`),
        sql`, `,
      )})`,
    );
    await recordAudit(tx, {
      action: Object.keys(adjustments).length ? 'deployment.plan.whatif' : 'deployment.plan.propose',
      resourceType: 'deployment_plan',
      resourceId: planId,
      outcome: 'success',
      jurisdictionId: demands[0]!.jurisdiction_id,
      payload: {
        planId,
        demandIds,
        assignments: plan.assignments.length,
        shortfalls: plan.shortfalls.reduce((n, s) => n + s.missing, 0),
        method: plan.method,
        superseded: superseded.map((r) => r.id),
        adjustments,
      },
    });
    return planId;
  });
  const view = await loadPlanView(ctx, id);
  return { plan: view, events: planEvents(view, demands) };
}

function planEvents(view: PlanView, demands: DemandRow[]): DeploymentEvent[] {
  return demands.map((d) => ({
    type: 'deployment.plan' as const,
    data: { planId: view.id, status: view.status, demandId: d.id },
    audience: { action: 'deployment.read' as const, resource: demandResource(d) },
  }));
}

/** Re-plans a proposed plan's demands with new adjustments (the planner's what-if); the old plan is superseded. */
export async function whatIf(
  ctx: RequestContext,
  planId: string,
  adjustments: MatchAdjustments,
): Promise<{ plan: PlanView; events: DeploymentEvent[] }> {
  const current = await getPlan(ctx, planId);
  if (current.status !== 'proposed') {
    throw new AppError('PLAN_BAD_STATE', `Only a proposed plan can be changed; this one is ${current.status}.`, {
      status: current.status,
    });
  }
  return proposePlan(ctx, { demandIds: current.demandIds, adjustments });
}

/** Submits a proposed plan for tiered approval (or, for an especially major demand, issues it at once). */
export async function submitPlan(
  ctx: RequestContext,
  planId: string,
  opts: { emergency?: boolean },
): Promise<{ plan: PlanView; events: DeploymentEvent[] }> {
  const current = await getPlan(ctx, planId);
  const events = await transaction(ctx, async (tx) => {
    for (const id of current.demandIds)
      authorize(tx, 'deployment.request', demandResource((await findDemand(tx.db, id))!));
    if (current.status !== 'proposed') {
      throw new AppError('PLAN_BAD_STATE', `Only a proposed plan can be submitted; this one is ${current.status}.`, {
        status: current.status,
      });
    }
    const r = await openApprovals(tx, planId, { emergency: opts.emergency });
    return r.events;
  });
  return { plan: await loadPlanView(ctx, planId), events };
}
