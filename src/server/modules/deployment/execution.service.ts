/**
 * Execution of an approved deployment plan (issue 5, item 6): issuing (assignments ordered, demands executing,
 * officers deployed), the officer's acknowledgement and stages, live tracking with road ETAs against the
 * deadline, hand-over to the receiving side with task-scoped grants, release with booking (duty minutes, task
 * points, allowance: execution.booking.ts), and the after-action survey and logistics record.
 *
 * Who may act: an officer acts on his own assignment (`officers.user_id` = the actor); the receiving commander
 * (deployment.request over the demand's region) may report stages for the officers, hands over and releases;
 * reading a demand's tracking needs deployment.read over its region or a task grant for it. Every write is one
 * transaction with its audit entry; callers publish the returned changes after the commit
 * (execution.events.ts).
 */
import { recordAudit, transaction, type RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { etasTo } from '../geo/index.ts';
import { geoState } from '../geo/geo.state.ts';
import { can } from '../policy/policy.ts';
import { insertTaskGrant } from '../users/user.repository.ts';
import type { DemandRow } from './demand.repository.ts';
import { demandResource, getDemand } from './demand.service.ts';
import { bookAssignment } from './execution.booking.ts';
import { noChanges, type ExecutionChanges } from './execution.events.ts';
import { reportStage, type ReportedStage } from './execution.lifecycle.ts';
import {
  assignmentsByIds,
  assignmentsOfDemand,
  assignmentsOfUser,
  bookDuty,
  busyOfficers,
  closeDemand,
  completePlans,
  demandsToExecuting,
  findAssignment,
  handOverArrived,
  insertSurvey,
  issuePlanRows,
  lockLiveAssignments,
  lockPlan,
  markDeployed,
  officerPositions,
  releaseAssignment,
  revokeTaskGrants,
  setGrant,
  setStage,
  upsertLogistics,
  type AssignmentRow,
} from './execution.repository.ts';
import type {
  AssignmentDto,
  HandoverDto,
  LogisticsDto,
  ReleaseDto,
  SurveyDto,
  TrackingDto,
} from './execution.schemas.ts';

/** What a supporting officer may do under the task-scoped grant made at hand-over. */
export const TASK_GRANT_ACTIONS = ['deployment.read', 'deployment.report', 'incident.read'] as const;
/** The grant outlives the expected end of the task by this much (then it lapses even without a release). */
export const TASK_GRANT_SLACK_MIN = 120;

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());
const num = (v: string | number | null): number | null => (v === null ? null : Number(v));

/** The task reference of a demand, as named in task grants and policy resources. */
export const taskRef = (demandId: string): string => `deployment:${demandId}`;

/** The API view of an assignment. */
export function presentAssignment(r: AssignmentRow): AssignmentDto {
  return {
    id: r.id,
    planId: r.plan_id,
    demandId: r.demand_id,
    demandCode: r.demand_code,
    demandTitle: r.demand_title,
    demandLevel: Number(r.demand_level),
    officer: {
      id: r.officer_id,
      name: r.officer_name,
      policeNumber: r.police_number,
      homeRegionId: r.home_region_id,
      homeRegionName: r.home_region_name,
    },
    slot: r.slot,
    etaSec: Number(r.eta_sec),
    status: r.status,
    lon: Number(r.demand_lon),
    lat: Number(r.demand_lat),
    meetingPoint: r.meeting_point,
    deadlineAt: new Date(r.deadline_at).toISOString(),
    orderedAt: iso(r.ordered_at),
    acknowledgedAt: iso(r.acknowledged_at),
    arrivedAt: iso(r.arrived_at),
    handedOverAt: iso(r.handed_over_at),
    releasedAt: iso(r.released_at),
    dutyMinutes: r.duty_minutes === null ? null : Number(r.duty_minutes),
    points: num(r.points),
    allowance: num(r.allowance),
    surveyed: r.surveyed,
  };
}

const assignmentChange = (r: AssignmentRow): ExecutionChanges['assignments'][number] => ({
  id: r.id,
  demandId: r.demand_id,
  demandPath: r.demand_path,
  officerId: r.officer_id,
  officerPath: r.officer_path,
  status: r.status,
});

function requireActor(ctx: RequestContext) {
  if (!ctx.actor) throw new AppError('UNAUTHENTICATED', 'Log in first: send Authorization: Bearer <token>.');
  return ctx.actor;
}

const demandOf = (r: AssignmentRow) => demandResource({ id: r.demand_id, path: r.demand_path });
const isOwn = (ctx: RequestContext, r: AssignmentRow): boolean =>
  ctx.actor !== null && r.officer_user_id !== null && r.officer_user_id === ctx.actor.userId;
const commands = (ctx: RequestContext, r: AssignmentRow): boolean =>
  can(ctx.actor, 'deployment.request', demandOf(r), { now: ctx.now() });

/** An assignment the actor may see (his own, or one of a demand he may read), else ASSIGNMENT_NOT_FOUND. */
async function visibleAssignment(ctx: RequestContext, id: string, opts: { forUpdate?: boolean } = {}) {
  requireActor(ctx);
  const r = await findAssignment(ctx.db, id, opts);
  if (!r || (!isOwn(ctx, r) && !can(ctx.actor, 'deployment.read', demandOf(r), { now: ctx.now() }))) {
    throw new AppError('ASSIGNMENT_NOT_FOUND', 'No such deployment assignment for you; check the id.', { id });
  }
  return r;
}

// ---------------------------------------------------------------------------------------------------------------
// Issue

/**
 * Issues a plan inside the caller's transaction (the approval's decision, or an emergency submit): the plan
 * becomes issued, its proposed assignments ordered, its demands executing and the officers' duty status
 * deployed; one audit entry. Issues approved plans, and emergency plans (already issued, or still pending their
 * after-the-fact approval). Calling it again changes nothing (returns no changes). Refuses any other plan
 * (PLAN_BAD_STATE: proposed, rejected, superseded…) and a plan naming an officer who is already on another task
 * (DEPLOYMENT_OFFICER_BUSY), writing nothing.
 */
export async function issuePlan(tx: RequestContext, planId: string): Promise<ExecutionChanges> {
  return transaction(tx, async (t) => {
    const plan = await lockPlan(t.db, planId);
    if (!plan) throw new AppError('PLAN_NOT_FOUND', 'No such deployment plan; check the id.', { planId });
    // Approved plans are issued; an emergency plan (act now, approve after) is issued while its approval waits.
    const issuable =
      plan.status === 'approved' || plan.status === 'issued' || (plan.emergency && plan.status === 'pending_approval');
    if (!issuable) {
      throw new AppError('PLAN_BAD_STATE', `A ${plan.status} plan cannot be issued; approve it first.`, {
        planId,
        status: plan.status,
      });
    }
    const busy = await busyOfficers(t.db, planId);
    if (busy.length) {
      throw new AppError(
        'DEPLOYMENT_OFFICER_BUSY',
        'Some officers of the plan are on another task; re-plan without them (what-if: remove).',
        { planId, officers: busy.map((b) => ({ officerId: b.officer_id, assignmentId: b.assignment_id })) },
      );
    }
    const at = t.now();
    const wasIssued = plan.status === 'issued';
    const ordered = await issuePlanRows(t.db, planId, at);
    const demands = await demandsToExecuting(t.db, plan.demand_ids);
    if (wasIssued && ordered.length === 0 && demands.length === 0) return noChanges();
    await markDeployed(
      t.db,
      ordered.map((o) => o.officer_id),
      at,
    );
    await recordAudit(t, {
      action: 'deployment.plan.issue',
      resourceType: 'deployment_plan',
      resourceId: planId,
      outcome: 'success',
      payload: {
        demandIds: plan.demand_ids,
        assignmentIds: ordered.map((o) => o.id),
        officerIds: ordered.map((o) => o.officer_id),
      },
    });
    const rows = await assignmentsByIds(
      t.db,
      ordered.map((o) => o.id),
    );
    const paths = new Map(demands.map((d) => [d.id, d.path]));
    for (const r of rows) paths.set(r.demand_id, r.demand_path);
    return {
      demands,
      plans: plan.demand_ids
        .filter((id) => paths.has(id))
        .map((id) => ({ id: planId, status: 'issued', demandId: id, demandPath: paths.get(id)! })),
      assignments: rows.map(assignmentChange),
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Officer side

/** The actor's own assignments (as an officer): live ones first, then the latest finished ones. */
export async function myAssignments(ctx: RequestContext): Promise<AssignmentDto[]> {
  const actor = requireActor(ctx);
  return (await assignmentsOfUser(ctx.db, actor.userId)).map(presentAssignment);
}

/**
 * Reports a stage of an assignment: the acknowledgement on the terminal, en route, arrived. The officer himself,
 * or the receiving commander for him. Repeating a stage is harmless; an impossible move is
 * ASSIGNMENT_BAD_TRANSITION.
 */
export async function reportAssignmentStage(
  ctx: RequestContext,
  id: string,
  stage: ReportedStage,
): Promise<{ assignment: AssignmentDto; changes: ExecutionChanges }> {
  return transaction(ctx, async (tx) => {
    const r = await visibleAssignment(tx, id, { forUpdate: true });
    if (!isOwn(tx, r) && !commands(tx, r)) {
      throw new AppError('FORBIDDEN', 'Only the officer himself or the receiving commander reports its stages.', {
        action: 'deployment.report',
        resourceType: 'deployment_assignment',
      });
    }
    const outcome = reportStage(r.status, stage);
    if (outcome.kind === 'refused') {
      throw new AppError('ASSIGNMENT_BAD_TRANSITION', `An assignment that is ${r.status} cannot become ${stage}.`, {
        from: r.status,
        to: stage,
        allowed: outcome.allowed,
      });
    }
    if (outcome.kind === 'repeat') return { assignment: presentAssignment(r), changes: noChanges() };
    await setStage(tx.db, id, outcome.to, tx.now());
    await recordAudit(tx, {
      action: `deployment.assignment.${outcome.to === 'acknowledged' ? 'acknowledge' : outcome.to}`,
      resourceType: 'deployment_assignment',
      resourceId: id,
      outcome: 'success',
      payload: { demandId: r.demand_id, officerId: r.officer_id, from: r.status, to: outcome.to, own: isOwn(tx, r) },
    });
    const now = (await findAssignment(tx.db, id))!;
    return { assignment: presentAssignment(now), changes: { ...noChanges(), assignments: [assignmentChange(now)] } };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Tracking

/**
 * Live tracking of a demand's officers: position (the unit's latest AVL fix, else the home station), the
 * remaining road ETA (one reverse search from the demand for all officers), the deadline, arrived and late.
 */
export async function trackDemand(ctx: RequestContext, demandId: string): Promise<TrackingDto> {
  const d = await getDemand(ctx, demandId);
  const rows = (await assignmentsOfDemand(ctx.db, demandId)).filter((r) => r.status !== 'cancelled');
  const positions = new Map(
    (
      await officerPositions(
        ctx.db,
        rows.map((r) => r.officer_id),
      )
    ).map((p) => [p.officer_id, p]),
  );
  const now = ctx.now();
  const deadline = new Date(d.deadline_at);
  const located = rows.map((r) => {
    const p = positions.get(r.officer_id);
    if (p?.avl_lon != null && p.avl_lat != null) {
      return { lon: Number(p.avl_lon), lat: Number(p.avl_lat), source: 'avl' as const, recordedAt: iso(p.avl_at) };
    }
    if (p?.station_lon != null && p.station_lat != null) {
      return { lon: Number(p.station_lon), lat: Number(p.station_lat), source: 'station' as const, recordedAt: null };
    }
    return null;
  });
  const onTheWay = rows.map((r) => ['ordered', 'acknowledged', 'en_route'].includes(r.status));
  const toRoute = located.flatMap((pos, i) => (pos && onTheWay[i] ? [{ i, pos }] : []));
  const eta = new Map<number, number>();
  if (toRoute.length) {
    const state = await geoState(ctx.db);
    const { etas } = etasTo(
      state.network,
      { lon: Number(d.lon), lat: Number(d.lat) },
      toRoute.map((x) => x.pos),
      { departAt: now },
    );
    toRoute.forEach((x, k) => {
      const e = etas[k]!.etaSec;
      if (Number.isFinite(e)) eta.set(x.i, Math.round(e));
    });
  }
  return {
    demandId: d.id,
    code: d.code,
    status: d.status,
    lon: Number(d.lon),
    lat: Number(d.lat),
    deadlineAt: deadline.toISOString(),
    computedAt: now.toISOString(),
    items: rows.map((r, i) => {
      const arrivedAt = r.arrived_at === null ? null : new Date(r.arrived_at);
      const arrived = arrivedAt !== null;
      const moving = onTheWay[i] === true;
      const remaining = arrived ? 0 : moving ? (eta.get(i) ?? null) : null;
      const expected = arrived ? arrivedAt : remaining === null ? null : new Date(now.getTime() + remaining * 1000);
      const late = arrived
        ? arrivedAt > deadline
        : moving && (expected === null ? now > deadline : expected > deadline);
      return {
        assignmentId: r.id,
        officer: presentAssignment(r).officer,
        status: r.status,
        position: located[i]!,
        remainingEtaSec: remaining,
        expectedArrivalAt: expected === null ? null : expected.toISOString(),
        deadlineAt: deadline.toISOString(),
        arrived,
        arrivedAt: iso(r.arrived_at),
        late,
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Hand-over and release

/** The demand for a receiving-side command: readable, deployment.request over its region, executing. */
async function commandedDemand(tx: RequestContext, demandId: string, verb: string): Promise<DemandRow> {
  const d = await getDemand(tx, demandId, { forUpdate: true });
  if (!can(tx.actor, 'deployment.request', demandResource(d), { now: tx.now() })) {
    throw new AppError('FORBIDDEN', `Only the receiving side may ${verb} (deployment.request over its region).`, {
      action: 'deployment.request',
      resourceType: 'deployment',
    });
  }
  return d;
}

/**
 * Hands the demand's arrived officers over to the receiving side; each officer with a login gets a task-scoped
 * grant over the receiving region (TASK_GRANT_ACTIONS on records of `deployment:<demandId>`), ending
 * TASK_GRANT_SLACK_MIN after the expected end. Officers not yet arrived are handed over by a later call.
 */
export async function handOver(
  ctx: RequestContext,
  demandId: string,
): Promise<{ result: HandoverDto; changes: ExecutionChanges }> {
  return transaction(ctx, async (tx) => {
    const d = await commandedDemand(tx, demandId, 'hand officers over');
    if (d.status !== 'executing') {
      throw new AppError(
        'DEMAND_BAD_STATE',
        `Officers are handed over while a demand is executing; it is ${d.status}.`,
        {
          demandId,
          status: d.status,
        },
      );
    }
    const at = tx.now();
    const endsAt = new Date(at.getTime() + (Number(d.expected_duration_min) + TASK_GRANT_SLACK_MIN) * 60_000);
    const ids = await handOverArrived(tx.db, demandId, at);
    const rows = await assignmentsByIds(tx.db, ids);
    let grants = 0;
    for (const r of rows) {
      if (r.officer_user_id === null) continue;
      const grantId = await insertTaskGrant(tx.db, {
        userId: r.officer_user_id,
        taskRef: taskRef(demandId),
        jurisdictionId: d.jurisdiction_id,
        actions: [...TASK_GRANT_ACTIONS],
        startsAt: at,
        endsAt,
      });
      await setGrant(tx.db, r.id, grantId);
      grants++;
    }
    if (rows.length) {
      await recordAudit(tx, {
        action: 'deployment.handover',
        resourceType: 'deployment_demand',
        resourceId: demandId,
        outcome: 'success',
        jurisdictionId: d.jurisdiction_id,
        payload: { demandId, assignmentIds: ids, grants, grantsEndAt: endsAt.toISOString() },
      });
    }
    const after = await assignmentsByIds(tx.db, ids);
    return {
      result: { demandId, handedOver: after.map(presentAssignment), grants, grantsEndAt: endsAt.toISOString() },
      changes: { ...noChanges(), assignments: after.map(assignmentChange) },
    };
  });
}

/**
 * Releases the demand's officers and closes it: every live assignment released and booked (duty minutes,
 * points, allowance), the officers resting with their ledger updated, the task's grants revoked, the plan
 * completed once all its demands are closed. Releasing a closed demand again books nothing and answers the
 * booked result.
 */
export async function releaseDemand(
  ctx: RequestContext,
  demandId: string,
): Promise<{ result: ReleaseDto; changes: ExecutionChanges }> {
  return transaction(ctx, async (tx) => {
    const d = await commandedDemand(tx, demandId, 'release officers');
    if (d.status === 'closed') {
      const done = (await assignmentsOfDemand(tx.db, demandId)).filter((r) => r.status === 'released');
      return {
        result: {
          demandId,
          status: 'closed',
          released: done.map(presentAssignment),
          grantsRevoked: 0,
          alreadyClosed: true,
        },
        changes: noChanges(),
      };
    }
    if (d.status !== 'executing') {
      throw new AppError('DEMAND_BAD_STATE', `Only an executing demand can be released; it is ${d.status}.`, {
        demandId,
        status: d.status,
      });
    }
    const at = tx.now();
    const live = await lockLiveAssignments(tx.db, demandId);
    const rows = await assignmentsByIds(
      tx.db,
      live.map((l) => l.id),
    );
    const booked: { id: string; dutyMinutes: number; points: number; allowance: number }[] = [];
    for (const r of rows) {
      const b = bookAssignment({
        level: Number(d.level),
        type: d.type,
        orderedAt: new Date(r.ordered_at ?? at),
        arrivedAt: r.arrived_at === null ? null : new Date(r.arrived_at),
        releasedAt: at,
        etaSec: Number(r.eta_sec),
        outOfArea: !r.officer_path.startsWith(d.path),
      });
      await releaseAssignment(tx.db, r.id, { at, ...b });
      await bookDuty(tx.db, r.officer_id, { at, dutyMinutes: b.dutyMinutes, points: b.points });
      booked.push({ id: r.id, dutyMinutes: b.dutyMinutes, points: b.points, allowance: b.allowance });
    }
    const grantsRevoked = await revokeTaskGrants(tx.db, taskRef(demandId), at);
    await closeDemand(tx.db, demandId, at);
    const plans = await completePlans(tx.db, demandId);
    await recordAudit(tx, {
      action: 'deployment.release',
      resourceType: 'deployment_demand',
      resourceId: demandId,
      outcome: 'success',
      jurisdictionId: d.jurisdiction_id,
      payload: { demandId, booked, grantsRevoked, plansCompleted: plans },
    });
    const after = await assignmentsByIds(
      tx.db,
      rows.map((r) => r.id),
    );
    return {
      result: {
        demandId,
        status: 'closed',
        released: after.map(presentAssignment),
        grantsRevoked,
        alreadyClosed: false,
      },
      changes: {
        demands: [{ id: demandId, status: 'closed', path: d.path }],
        plans: plans.map((id) => ({ id, status: 'completed', demandId, demandPath: d.path })),
        assignments: after.map(assignmentChange),
      },
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// After action

/** The officer's survey after release (once per assignment). */
export async function submitSurvey(
  ctx: RequestContext,
  assignmentId: string,
  body: { rating: number; comment?: string },
): Promise<SurveyDto> {
  return transaction(ctx, async (tx) => {
    const r = await visibleAssignment(tx, assignmentId, { forUpdate: true });
    if (!isOwn(tx, r)) {
      throw new AppError('FORBIDDEN', 'Only the officer himself answers the survey of his assignment.', {
        action: 'deployment.report',
        resourceType: 'deployment_assignment',
      });
    }
    if (r.status !== 'released') {
      throw new AppError('SURVEY_NOT_OPEN', `The survey opens when the assignment is released; it is ${r.status}.`, {
        assignmentId,
        status: r.status,
      });
    }
    const at = tx.now();
    const comment = body.comment?.trim() || null;
    if (!(await insertSurvey(tx.db, { assignmentId, rating: body.rating, comment, at }))) {
      throw new AppError('SURVEY_ALREADY_SUBMITTED', 'You answered the survey of this assignment already.', {
        assignmentId,
      });
    }
    await recordAudit(tx, {
      action: 'deployment.survey',
      resourceType: 'deployment_assignment',
      resourceId: assignmentId,
      outcome: 'success',
      payload: { demandId: r.demand_id, rating: body.rating },
    });
    return { assignmentId, rating: body.rating, comment, createdAt: at.toISOString() };
  });
}

/** Records the logistics provided to a demand's officers (meals, lodging, medical), by the receiving side. */
export async function recordLogistics(
  ctx: RequestContext,
  demandId: string,
  body: { meals: boolean; lodging: boolean; medical: boolean; note?: string },
): Promise<LogisticsDto> {
  return transaction(ctx, async (tx) => {
    const d = await commandedDemand(tx, demandId, 'record logistics');
    if (d.status === 'draft' || d.status === 'cancelled') {
      throw new AppError('DEMAND_BAD_STATE', `Logistics are recorded for a confirmed demand; it is ${d.status}.`, {
        demandId,
        status: d.status,
      });
    }
    const row = await upsertLogistics(tx.db, {
      demandId,
      meals: body.meals,
      lodging: body.lodging,
      medical: body.medical,
      note: body.note?.trim() || null,
      by: tx.actor!.userId,
      at: tx.now(),
    });
    await recordAudit(tx, {
      action: 'deployment.logistics',
      resourceType: 'deployment_demand',
      resourceId: demandId,
      outcome: 'success',
      jurisdictionId: d.jurisdiction_id,
      payload: { demandId, meals: body.meals, lodging: body.lodging, medical: body.medical },
    });
    return {
      demandId,
      meals: row.meals,
      lodging: row.lodging,
      medical: row.medical,
      note: row.note,
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  });
}
