/**
 * Dispatch orders: recommending units for an incident (stored, so an order can say what was recommended),
 * dispatching (accepting the recommendation or overriding it with a reason), the terminal's acknowledgement,
 * the unit's stages (en route, on scene, released), cancelling an order (stand-down or reassignment), automatic
 * arrival when an AVL fix enters the scene's geofence, and standing every unit down when the incident closes.
 *
 * The incident follows its units: the first acknowledgement moves it to acknowledged, the first departure to en
 * route, the first arrival to on scene (walking the lifecycle, so the timeline shows every stage); when the last
 * unit is stood down before the incident was handled, it goes back to graded and waits for a new dispatch.
 * Adding units to an incident already under way does not move it backwards. Unit statuses follow their orders.
 * Every change is one transaction with its timeline entries and audit entry; callers publish the returned
 * changes after the commit.
 */
import { recordAudit, transaction, type RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { can } from '../policy/policy.ts';
import { incidentResource } from '../incidents/incident.presenter.ts';
import { appendEvent, findIncident, updateIncident, type Incident } from '../incidents/incident.repository.ts';
import { getIncident } from '../incidents/incident.service.ts';
import { nextStatus, type IncidentStatus, type Transition } from '../incidents/incident.lifecycle.ts';
import { canChangeUnitStatus, canReadUnit, requireActor, unitResource } from './dispatch.policy.ts';
import type { RecommendResponseDto } from './dispatch.schemas.ts';
import type { DispatchBodyDto, OrderDto } from './order.schemas.ts';
import {
  activeOrdersOfCrewMember,
  activeOrdersOfIncident,
  findOrder,
  findRecommendation,
  insertOrder,
  insertRecommendation,
  ordersArrivingAt,
  ordersOfIncidents,
  setOrderStatus,
  type OrderRow,
  type OrderStatus,
} from './order.repository.ts';
import { recommendUnits } from './recommend.service.ts';
import { crewUserIds, findUnitRow, updateUnitStatus, type UnitRow } from './unit.repository.ts';
import type { UnitEvent } from './unit.service.ts';
import type { UnitStatus } from './unit.status.ts';

/** An AVL fix this close to the scene (metres) marks a unit on its way as arrived. */
export const ARRIVAL_GEOFENCE_M = 150;
/** Priorities this low (1 = most urgent … 5) let the coverage rule weigh in on the recommendation. */
export const COVERAGE_FROM_PRIORITY = 3;

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

/** The API view of an order. */
export function presentOrder(r: OrderRow): OrderDto {
  return {
    id: r.id,
    incidentId: r.incident_id,
    unitId: r.unit_id,
    callSign: r.call_sign,
    status: r.status,
    recommended: r.recommended,
    recommendationId: r.recommendation_id,
    overrideReason: r.override_reason,
    sentAt: new Date(r.sent_at).toISOString(),
    acknowledgedAt: iso(r.acknowledged_at),
    enRouteAt: iso(r.en_route_at),
    onSceneAt: iso(r.on_scene_at),
    releasedAt: iso(r.released_at),
    cancelledAt: iso(r.cancelled_at),
    cancelReason: r.cancel_reason,
  };
}

/** What a command changed, for the realtime topics (published by the route after the commit). */
export interface DispatchChanges {
  incidents: Incident[];
  orders: { order: OrderDto; unitPath: string }[];
  units: UnitEvent[];
}

const emptyChanges = (): DispatchChanges => ({ incidents: [], orders: [], units: [] });

function merge(into: DispatchChanges, more: DispatchChanges): DispatchChanges {
  for (const i of more.incidents) {
    const k = into.incidents.findIndex((x) => x.id === i.id);
    if (k >= 0) into.incidents[k] = i;
    else into.incidents.push(i);
  }
  for (const o of more.orders) {
    const k = into.orders.findIndex((x) => x.order.id === o.order.id);
    if (k >= 0) into.orders[k] = o;
    else into.orders.push(o);
  }
  for (const u of more.units) {
    const k = into.units.findIndex((x) => x.data.id === u.data.id);
    if (k >= 0) into.units[k] = u;
    else into.units.push(u);
  }
  return into;
}

async function unitChanged(db: RequestContext['db'], unitId: string): Promise<UnitEvent> {
  const u = (await findUnitRow(db, unitId))!;
  return {
    type: 'unit.status',
    jurisdictionPath: u.path,
    data: {
      id: u.id,
      callSign: u.call_sign,
      status: u.status,
      lon: u.pos_lon ?? u.home_lon,
      lat: u.pos_lat ?? u.home_lat,
    },
  };
}

async function orderChanged(db: RequestContext['db'], orderId: string) {
  const o = (await findOrder(db, orderId))!;
  return { order: presentOrder(o), unitPath: o.unit_path, row: o };
}

/** Moves the incident through `transitions` in order (each must be legal), one timeline entry each. */
async function walkIncident(
  tx: RequestContext,
  incident: Incident,
  transitions: readonly Transition[],
  e: { actorId: string | null; note: string | null },
): Promise<Incident> {
  let status: IncidentStatus = incident.status;
  const at = tx.now();
  for (const t of transitions) {
    const to = nextStatus(status, t);
    if (to === null) break;
    await updateIncident(tx.db, incident.id, { status: to });
    await appendEvent(tx.db, incident.id, { kind: 'status', fromStatus: status, toStatus: to, ...e, at });
    status = to;
  }
  return (await findIncident(tx.db, incident.id))!;
}

/** The incident transitions that bring it up to a unit's new order stage (never backwards). */
function incidentCatchUp(status: IncidentStatus, stage: OrderStatus): Transition[] {
  const order: IncidentStatus[] = ['dispatched', 'acknowledged', 'en_route', 'on_scene'];
  const at = order.indexOf(status);
  if (at < 0) return [];
  const want: Record<string, Transition[]> = {
    acknowledged: ['acknowledge'],
    en_route: ['depart'],
    on_scene: status === 'dispatched' || status === 'acknowledged' ? ['depart', 'arrive'] : ['arrive'],
  };
  const target = order.indexOf(stage as IncidentStatus);
  if (target <= at) return [];
  return want[stage] ?? [];
}

// ---------------------------------------------------------------------------------------------------------------
// Recommendation for an incident

/** Recommends units for an incident from its location and sub-type (run card), and stores what was shown. */
export async function recommendForIncident(
  ctx: RequestContext,
  incidentId: string,
  opts: { count?: number; staleAfterSec?: number },
): Promise<RecommendResponseDto & { recommendationId: string; coverageRule: boolean }> {
  const actor = requireActor(ctx);
  const incident = await getIncident(ctx, incidentId);
  if (!can(actor, 'incident.dispatch', incidentResource(incident), { now: ctx.now() })) {
    throw new AppError('FORBIDDEN', 'You may not dispatch units to this incident.', {
      action: 'incident.dispatch',
      resourceType: 'incident',
    });
  }
  if (incident.lon === null || incident.lat === null) {
    throw new AppError('INCIDENT_LOCATION_REQUIRED', 'The incident has no coordinates to recommend units for.', {
      fields: ['lon', 'lat'],
    });
  }
  const coverageRule = (incident.priority ?? 5) >= COVERAGE_FROM_PRIORITY;
  const result = await recommendUnits(
    ctx,
    {
      lon: incident.lon,
      lat: incident.lat,
      count: opts.count,
      staleAfterSec: opts.staleAfterSec,
      incidentType: incident.subType,
    },
    { coverage: coverageRule },
  );
  const unitIds = [
    ...new Set([...result.recommended.map((r) => r.unitId), ...(result.runCard?.picks.map((p) => p.unitId) ?? [])]),
  ];
  const recommendationId = await insertRecommendation(ctx.db, {
    incidentId,
    unitIds,
    result,
    createdBy: actor.userId,
    at: ctx.now(),
  });
  return { ...result, recommendationId, coverageRule };
}

// ---------------------------------------------------------------------------------------------------------------
// Dispatch

const DISPATCHABLE: readonly IncidentStatus[] = [
  'received',
  'graded',
  'dispatched',
  'acknowledged',
  'en_route',
  'on_scene',
];

/**
 * Sends units to an incident. Units must be ones the actor may dispatch and free to go (available, or
 * returning from a previous job). A unit outside the quoted recommendation, or any unit when none is quoted,
 * is an override and needs a reason. All units go, or none does.
 */
export async function dispatchUnits(
  ctx: RequestContext,
  incidentId: string,
  body: DispatchBodyDto,
): Promise<{ incident: Incident; orders: OrderDto[]; override: boolean; changes: DispatchChanges }> {
  requireActor(ctx);
  const unitIds = body.unitIds;
  if (new Set(unitIds).size !== unitIds.length) {
    throw new AppError('VALIDATION_FAILED', 'A unit is listed twice; list each unit once.', {
      in: 'body',
      field: 'unitIds',
    });
  }
  return transaction(ctx, async (tx) => {
    const incident = await getIncident(tx, incidentId, { forUpdate: true });
    const now = tx.now();
    const actorId = tx.actor!.userId;
    if (!can(tx.actor, 'incident.dispatch', incidentResource(incident), { now })) {
      throw new AppError('FORBIDDEN', 'You may not dispatch units to this incident.', {
        action: 'incident.dispatch',
        resourceType: 'incident',
      });
    }
    if (!DISPATCHABLE.includes(incident.status)) {
      throw new AppError('INCIDENT_BAD_TRANSITION', `Cannot dispatch to an incident that is ${incident.status}.`, {
        from: incident.status,
        transition: 'dispatch',
      });
    }
    let recommended = new Set<string>();
    if (body.recommendationId !== undefined) {
      const rec = await findRecommendation(tx.db, body.recommendationId);
      if (!rec || rec.incidentId !== incidentId) {
        throw new AppError('VALIDATION_FAILED', 'recommendationId is not a recommendation for this incident.', {
          in: 'body',
          field: 'recommendationId',
        });
      }
      recommended = new Set(rec.unitIds);
    }
    const override = unitIds.some((u) => !recommended.has(u));
    if (override && body.overrideReason === undefined) {
      throw new AppError(
        'DISPATCH_OVERRIDE_REASON_REQUIRED',
        body.recommendationId === undefined
          ? 'Quote the recommendation you accept (recommendationId), or give overrideReason.'
          : 'A unit you chose was not recommended: give overrideReason.',
        { notRecommended: unitIds.filter((u) => !recommended.has(u)) },
      );
    }
    // Lock units in id order so two dispatchers choosing overlapping units cannot deadlock.
    const units: UnitRow[] = [];
    for (const id of [...unitIds].sort()) {
      const row = await findUnitRow(tx.db, id, { forUpdate: true });
      if (!row || !canReadUnit(tx, row)) {
        throw new AppError('UNIT_NOT_FOUND', `No unit ${id} in your scope.`, { unitId: id });
      }
      if (!can(tx.actor, 'incident.dispatch', unitResource(row), { now })) {
        throw new AppError('FORBIDDEN', `You may not dispatch unit ${row.call_sign}: it is outside your command.`, {
          action: 'incident.dispatch',
          resourceType: 'unit',
          unitId: id,
        });
      }
      if (row.status !== 'available' && row.status !== 'returning') {
        throw new AppError('UNIT_NOT_AVAILABLE', `Unit ${row.call_sign} is ${row.status}; choose another unit.`, {
          unitId: id,
          callSign: row.call_sign,
          status: row.status,
        });
      }
      units.push(row);
    }
    const changes = emptyChanges();
    const orderIds: string[] = [];
    for (const id of unitIds) {
      const row = units.find((u) => u.id === id)!;
      const orderId = await insertOrder(tx.db, {
        incidentId,
        unitId: id,
        recommended: recommended.has(id),
        recommendationId: body.recommendationId ?? null,
        overrideReason: recommended.has(id) ? null : body.overrideReason!,
        sentBy: actorId,
        sentAt: now,
      });
      orderIds.push(orderId);
      await updateUnitStatus(tx.db, id, 'dispatched', 'keep');
      changes.units.push(await unitChanged(tx.db, row.id));
    }
    const callSigns = unitIds.map((id) => units.find((u) => u.id === id)!.call_sign).join(', ');
    const note =
      `dispatched ${callSigns}` +
      (override ? ` (override: ${body.overrideReason})` : ' (recommended)') +
      (body.note ? `: ${body.note}` : '');
    let after: Incident;
    if (incident.status === 'received' || incident.status === 'graded') {
      const steps: Transition[] = incident.status === 'received' ? ['grade', 'dispatch'] : ['dispatch'];
      after = await walkIncident(tx, incident, steps, { actorId, note });
    } else {
      // Units added to an incident under way: on the timeline, without moving the incident backwards.
      await appendEvent(tx.db, incidentId, {
        kind: 'dispatch',
        fromStatus: null,
        toStatus: null,
        note,
        actorId,
        at: now,
      });
      after = (await findIncident(tx.db, incidentId))!;
    }
    await recordAudit(tx, {
      action: 'incident.dispatch',
      resourceType: 'incident',
      resourceId: incidentId,
      outcome: 'success',
      jurisdictionId: incident.jurisdictionId,
      payload: {
        units: unitIds,
        orders: orderIds,
        recommendationId: body.recommendationId ?? null,
        recommended: [...recommended],
        override,
        overrideReason: override ? body.overrideReason! : null,
      },
    });
    const orders: OrderDto[] = [];
    for (const id of orderIds) {
      const o = await orderChanged(tx.db, id);
      orders.push(o.order);
      changes.orders.push({ order: o.order, unitPath: o.unitPath });
    }
    changes.incidents.push(after);
    return { incident: after, orders, override, changes };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Order stages

/** Legal order stage changes: from → to. */
const ORDER_MOVES: Record<OrderStatus, readonly OrderStatus[]> = {
  sent: ['acknowledged', 'en_route', 'on_scene', 'cancelled'],
  acknowledged: ['en_route', 'on_scene', 'cancelled'],
  en_route: ['on_scene', 'cancelled'],
  on_scene: ['released', 'cancelled'],
  released: [],
  cancelled: [],
};

const UNIT_FOR_ORDER: Partial<Record<OrderStatus, UnitStatus>> = {
  en_route: 'en_route',
  on_scene: 'on_scene',
  released: 'available',
  cancelled: 'available',
};

/** An order the actor may see (through its unit), else ORDER_NOT_FOUND; locked when `forUpdate`. */
async function getOrder(tx: RequestContext, id: string, opts: { forUpdate?: boolean } = {}): Promise<OrderRow> {
  const o = await findOrder(tx.db, id, opts);
  if (!o || !canReadUnit(tx, { id: o.unit_id, path: o.unit_path })) {
    throw new AppError('ORDER_NOT_FOUND', 'No such dispatch order for your units; check the id.', { id });
  }
  return o;
}

/**
 * Applies a stage to a locked order: order, unit and incident move together, with a timeline entry and an
 * audit entry. A repeat of the current stage changes nothing (a terminal retrying is harmless).
 */
async function applyStage(
  tx: RequestContext,
  o: OrderRow,
  to: Exclude<OrderStatus, 'sent'>,
  e: { actorId: string | null; note: string | null; auto?: string; cancelReason?: string },
): Promise<DispatchChanges> {
  const changes = emptyChanges();
  if (o.status === to) return changes;
  if (!ORDER_MOVES[o.status].includes(to)) {
    throw new AppError('ORDER_BAD_TRANSITION', `An order that is ${o.status} cannot become ${to}.`, {
      from: o.status,
      to,
      allowed: [...ORDER_MOVES[o.status]],
    });
  }
  const now = tx.now();
  await setOrderStatus(tx.db, o.id, to, now, e.cancelReason);
  const unitTo = UNIT_FOR_ORDER[to];
  if (unitTo) {
    await updateUnitStatus(tx.db, o.unit_id, unitTo, 'keep');
    changes.units.push(await unitChanged(tx.db, o.unit_id));
  }
  const incident = (await findIncident(tx.db, o.incident_id, { forUpdate: true }))!;
  const label = `${o.call_sign}: ${to}${e.auto ? ` (${e.auto})` : ''}${e.note ? ` — ${e.note}` : ''}`;
  await appendEvent(tx.db, incident.id, {
    kind: 'order',
    fromStatus: o.status,
    toStatus: to,
    note: label,
    actorId: e.actorId,
    at: now,
  });
  let after = incident;
  const catchUp = incidentCatchUp(incident.status, to);
  if (catchUp.length) {
    after = await walkIncident(tx, incident, catchUp, { actorId: e.actorId, note: label });
  } else if (to === 'cancelled' && ['dispatched', 'acknowledged', 'en_route'].includes(incident.status)) {
    // The last unit stood down before anyone arrived: the incident waits for a new dispatch.
    const still = await activeOrdersOfIncident(tx.db, incident.id);
    if (still.length === 0) {
      await updateIncident(tx.db, incident.id, { status: 'graded' });
      await appendEvent(tx.db, incident.id, {
        kind: 'status',
        fromStatus: incident.status,
        toStatus: 'graded',
        note: 'every unit stood down; awaiting dispatch',
        actorId: e.actorId,
        at: now,
      });
      after = (await findIncident(tx.db, incident.id))!;
    }
  }
  await recordAudit(tx, {
    action: `dispatch.order.${to}`,
    resourceType: 'dispatch_order',
    resourceId: o.id,
    outcome: 'success',
    jurisdictionId: o.unit_jurisdiction_id,
    payload: {
      incidentId: o.incident_id,
      unitId: o.unit_id,
      from: o.status,
      to,
      auto: e.auto ?? null,
      reason: e.cancelReason ?? null,
    },
  });
  const changed = await orderChanged(tx.db, o.id);
  changes.orders.push({ order: changed.order, unitPath: changed.unitPath });
  changes.incidents.push(after);
  return changes;
}

/** True when the actor is on the order's unit crew or may direct the unit (dispatcher, station). */
async function mayActOnOrder(tx: RequestContext, o: OrderRow): Promise<boolean> {
  const crew = (await crewUserIds(tx.db, [o.unit_id])).get(o.unit_id);
  return canChangeUnitStatus(tx, { id: o.unit_id, path: o.unit_path }, crew);
}

/** The terminal acknowledges an order (crew, or a dispatcher on the crew's behalf). */
export async function acknowledgeOrder(
  ctx: RequestContext,
  orderId: string,
): Promise<{ order: OrderDto; changes: DispatchChanges }> {
  requireActor(ctx);
  return transaction(ctx, async (tx) => {
    const o = await getOrder(tx, orderId, { forUpdate: true });
    if (!(await mayActOnOrder(tx, o))) {
      throw new AppError('FORBIDDEN', 'Only the unit’s crew or its dispatcher may acknowledge this order.', {
        action: 'unit.update',
        resourceType: 'unit',
      });
    }
    if (o.status === 'released' || o.status === 'cancelled') {
      throw new AppError('ORDER_NOT_ACTIVE', `The order is ${o.status}; there is nothing to acknowledge.`, {
        status: o.status,
      });
    }
    // Acknowledging an order already under way (the crew departed first) changes nothing.
    const changes =
      o.status === 'sent' ? await applyStage(tx, o, 'acknowledged', { actorId: tx.actor!.userId, note: null }) : null;
    return { order: presentOrder((await findOrder(tx.db, orderId))!), changes: changes ?? emptyChanges() };
  });
}

/** The crew (or dispatcher) reports a stage: en route, on scene, released. */
export async function reportOrderStage(
  ctx: RequestContext,
  orderId: string,
  body: { status: 'en_route' | 'on_scene' | 'released'; note?: string },
): Promise<{ order: OrderDto; changes: DispatchChanges }> {
  requireActor(ctx);
  return transaction(ctx, async (tx) => {
    const o = await getOrder(tx, orderId, { forUpdate: true });
    if (!(await mayActOnOrder(tx, o))) {
      throw new AppError('FORBIDDEN', 'Only the unit’s crew or its dispatcher may report this order’s stages.', {
        action: 'unit.update',
        resourceType: 'unit',
      });
    }
    const changes = await applyStage(tx, o, body.status, { actorId: tx.actor!.userId, note: body.note ?? null });
    return { order: presentOrder((await findOrder(tx.db, orderId))!), changes };
  });
}

/** A dispatcher stands a unit down (reassignment is cancel + dispatch); the unit becomes available. */
export async function cancelOrder(
  ctx: RequestContext,
  orderId: string,
  reason: string,
): Promise<{ order: OrderDto; changes: DispatchChanges }> {
  requireActor(ctx);
  return transaction(ctx, async (tx) => {
    const o = await getOrder(tx, orderId, { forUpdate: true });
    if (!can(tx.actor, 'incident.dispatch', unitResource({ id: o.unit_id, path: o.unit_path }), { now: tx.now() })) {
      throw new AppError('FORBIDDEN', 'Only a dispatcher who commands the unit may cancel its order.', {
        action: 'incident.dispatch',
        resourceType: 'unit',
      });
    }
    if (o.status === 'cancelled') return { order: presentOrder(o), changes: emptyChanges() };
    if (o.status === 'released') {
      throw new AppError('ORDER_NOT_ACTIVE', 'The order was already released; there is nothing to cancel.', {
        status: o.status,
      });
    }
    const changes = await applyStage(tx, o, 'cancelled', {
      actorId: tx.actor!.userId,
      note: null,
      cancelReason: reason,
    });
    return { order: presentOrder((await findOrder(tx.db, orderId))!), changes };
  });
}

/** Orders of an incident the actor may read. */
export async function ordersOfIncident(ctx: RequestContext, incidentId: string): Promise<OrderDto[]> {
  await getIncident(ctx, incidentId);
  return (await ordersOfIncidents(ctx.db, [incidentId])).map(presentOrder);
}

/** The active orders of the actor's own unit(s), with their incidents (the officer's app). */
export async function myActiveOrders(ctx: RequestContext): Promise<{ order: OrderDto; incident: Incident }[]> {
  const actor = requireActor(ctx);
  const rows = await activeOrdersOfCrewMember(ctx.db, actor.userId);
  const out: { order: OrderDto; incident: Incident }[] = [];
  for (const r of rows) {
    const incident = await findIncident(ctx.db, r.incident_id);
    if (incident) out.push({ order: presentOrder(r), incident });
  }
  return out;
}

/**
 * Automatic arrival: units on their way whose new fix lies within ARRIVAL_GEOFENCE_M of their incident are
 * marked on scene (audited as automatic). Runs inside the AVL ingest's transaction.
 */
export async function arrivalsFromFixes(
  tx: RequestContext,
  fixes: readonly { unitId: string; lon: number; lat: number }[],
): Promise<DispatchChanges> {
  const changes = emptyChanges();
  const hits = await ordersArrivingAt(tx.db, fixes, ARRIVAL_GEOFENCE_M);
  for (const h of hits) {
    const o = await findOrder(tx.db, h.orderId, { forUpdate: true });
    if (!o || !['sent', 'acknowledged', 'en_route'].includes(o.status)) continue;
    merge(
      changes,
      await applyStage(tx, o, 'on_scene', {
        actorId: null,
        note: null,
        auto: `geofence ${Math.round(h.distanceM)} m`,
      }),
    );
  }
  return changes;
}

/**
 * Stands every unit of an incident down when it closes or is cancelled: orders on scene are released, orders
 * still on the way cancelled; their units become available. Runs inside the incident's transaction.
 */
export async function standDownIncident(
  tx: RequestContext,
  incidentId: string,
  why: 'closed' | 'cancelled',
): Promise<DispatchChanges> {
  const changes = emptyChanges();
  const now = tx.now();
  for (const o of await activeOrdersOfIncident(tx.db, incidentId, { forUpdate: true })) {
    const to = o.status === 'on_scene' ? 'released' : 'cancelled';
    await setOrderStatus(tx.db, o.id, to, now, to === 'cancelled' ? `incident ${why}` : undefined);
    await updateUnitStatus(tx.db, o.unit_id, 'available', 'keep');
    changes.units.push(await unitChanged(tx.db, o.unit_id));
    const changed = await orderChanged(tx.db, o.id);
    changes.orders.push({ order: changed.order, unitPath: changed.unitPath });
  }
  return changes;
}
