/**
 * Incident commands: intake (locate, grade, record the caller, alert the duty leader, look for duplicates),
 * reads under the policy, lifecycle transitions, re-grading by the call-taker, merging duplicates, acking
 * alerts, and the public progress lookup. Every write is audited in its own transaction.
 */
import { randomInt } from 'node:crypto';
import { transaction, recordAudit, type RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { sql } from 'drizzle-orm';
import { can, authorize } from '../policy/policy.ts';
import { policyFilter } from '../policy/policy.filter.ts';
import { geocode, resolvePoint } from '../geo/geo.service.ts';
import { geoState } from '../geo/geo.state.ts';
import { haversineM } from '../geo/geo.math.ts';
import { COMPATIBLE, DISPOSITIONS, RESULTS, SUB_TYPES, isKnownSubType, type Category } from './incident.codes.ts';
import { standDownIncident, type DispatchChanges } from '../dispatch/order.service.ts';
import { REPEAT_WINDOW_DAYS, grade, priorityFor } from './incident.grading.ts';
import { nextStatus, type Transition } from './incident.lifecycle.ts';
import { incidentResource } from './incident.presenter.ts';
import {
  ackAlert,
  appendEvent,
  copyCallers,
  countAtAddress,
  findByQueryCode,
  findIncident,
  insertAlert,
  insertCaller,
  insertIncident,
  listIncidents,
  markMerged,
  openIncidentsSince,
  timelineOf,
  updateIncident,
  type Incident,
  type TimelineEntry,
} from './incident.repository.ts';
import type { CreateIncidentBody, ListIncidentsQuery } from './incident.schemas.ts';

/** How near (metres) and how recent (minutes) an open incident must be to be offered as a duplicate. */
export const DUPLICATE_RADIUS_M = 300;
export const DUPLICATE_WINDOW_MIN = 60;

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A 10-character public query code (no 0/O/1/I to read out over the phone). */
export function newQueryCode(): string {
  let s = '';
  for (let k = 0; k < 10; k++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}

export interface DuplicateCandidate {
  id: string;
  subType: string;
  distanceM: number;
  receivedAt: string;
}

export interface IntakeResult {
  incident: Incident;
  duplicateCandidates: DuplicateCandidate[];
  alertId: string | null;
}

interface Located {
  lon: number | null;
  lat: number | null;
  addressId: string | null;
  gridId: string;
  path: string;
}

/** The standard address the text names exactly, or null when it names none (free text is allowed). */
async function exactAddressId(ctx: RequestContext, text: string): Promise<string | null> {
  try {
    const g = await geocode(ctx, text);
    return g.exact ? g.best.address.id : null;
  } catch (e) {
    if (e instanceof AppError && e.code === 'ADDRESS_NOT_FOUND') return null;
    throw e;
  }
}

async function locate(ctx: RequestContext, body: CreateIncidentBody): Promise<Located> {
  const hasPoint = body.lon !== undefined && body.lat !== undefined;
  if ((body.lon === undefined) !== (body.lat === undefined) || (!hasPoint && body.address === undefined)) {
    throw new AppError('INCIDENT_LOCATION_REQUIRED', 'Give the address text, or both lon and lat (WGS-84), or both.', {
      fields: ['address', 'lon', 'lat'],
    });
  }
  const state = await geoState(ctx.db);
  if (hasPoint) {
    const r = await resolvePoint(ctx, body.lon!, body.lat!);
    const gridId = r.chain[0]!.id;
    // The address text, when it names a standard address exactly, still links the call to that address
    // (repeat-address grading); the coordinates decide where the incident is.
    const addressId = body.address === undefined ? null : await exactAddressId(ctx, body.address);
    return { lon: r.lon, lat: r.lat, addressId, gridId, path: state.jurisdictions.get(gridId)!.path };
  }
  const g = await geocode(ctx, body.address!);
  const a = g.best.address;
  return { lon: a.lon, lat: a.lat, addressId: a.id, gridId: a.gridId, path: state.jurisdictions.get(a.gridId)!.path };
}

/** Open incidents near `at` of a category compatible with `category`, within the duplicate window. */
export async function findDuplicateCandidates(
  ctx: RequestContext,
  at: { lon: number; lat: number },
  category: Category,
  excludeId?: string,
): Promise<DuplicateCandidate[]> {
  const since = new Date(ctx.now().getTime() - DUPLICATE_WINDOW_MIN * 60_000);
  const open = await openIncidentsSince(ctx.db, since, COMPATIBLE[category]);
  const out: DuplicateCandidate[] = [];
  for (const i of open) {
    if (i.id === excludeId || !can(ctx.actor, 'incident.read', incidentResource(i), { now: ctx.now() })) continue;
    const d = haversineM(at.lon, at.lat, i.lon!, i.lat!);
    if (d <= DUPLICATE_RADIUS_M) {
      out.push({ id: i.id, subType: i.subType, distanceM: Math.round(d), receivedAt: i.receivedAt.toISOString() });
    }
  }
  return out.sort((a, b) => a.distanceM - b.distanceM);
}

/** Takes a call: locates and grades it, records the caller, alerts on threats, offers duplicates. */
export async function intakeIncident(ctx: RequestContext, body: CreateIncidentBody): Promise<IntakeResult> {
  if (!ctx.actor) throw new AppError('UNAUTHENTICATED', 'Log in first: send Authorization: Bearer <token>.');
  if (!isKnownSubType(body.category, body.subType)) {
    throw new AppError(
      'INCIDENT_TYPE_UNKNOWN',
      `"${body.subType}" is not a sub-type of ${body.category} in the code list.`,
      {
        subType: body.subType,
        known: Object.keys(SUB_TYPES).filter((k) => k.startsWith(`${body.category}.`)),
      },
    );
  }
  return transaction(ctx, async (tx) => {
    const loc = await locate(tx, body);
    const actor = authorize(tx, 'incident.create', { type: 'incident', jurisdictionPath: loc.path });
    const now = tx.now();
    const receivedAt = body.receivedAt ? new Date(body.receivedAt) : now;
    // A call cannot be received in the future (a minute of clock skew between terminals is tolerated).
    if (receivedAt.getTime() > now.getTime() + 60_000) {
      throw new AppError('VALIDATION_FAILED', 'receivedAt lies in the future; send the time the call came in.', {
        in: 'body',
        field: 'receivedAt',
      });
    }
    const repeatCount = loc.addressId
      ? await countAtAddress(tx.db, loc.addressId, new Date(now.getTime() - REPEAT_WINDOW_DAYS * 86_400_000))
      : 0;
    const g = grade({
      subType: body.subType,
      weapons: body.weapons,
      injuries: body.injuries,
      minorsInvolved: body.minorsInvolved,
      crowdSize: body.crowdSize,
      repeatCount,
    });
    const id = await insertIncident(tx.db, {
      queryCode: newQueryCode(),
      category: body.category,
      subType: body.subType,
      severity: g.severity,
      priority: g.priority,
      channel: body.channel,
      description: body.description,
      address: body.address ?? null,
      addressId: loc.addressId,
      lon: loc.lon,
      lat: loc.lat,
      jurisdictionId: loc.gridId,
      receivedAt,
      createdBy: actor.userId,
      gradingRules: g.rules,
    });
    await insertCaller(tx.db, {
      incidentId: id,
      name: body.callerName ?? null,
      phone: body.callerPhone ?? null,
      channel: body.channel,
      calledAt: receivedAt,
    });
    await appendEvent(tx.db, id, {
      kind: 'status',
      fromStatus: null,
      toStatus: 'received',
      note: null,
      actorId: actor.userId,
      at: receivedAt,
    });
    await appendEvent(tx.db, id, {
      kind: 'grade',
      fromStatus: null,
      toStatus: null,
      note: `severity ${g.severity}, priority ${g.priority} by rules [${g.rules.join(', ')}]`,
      actorId: null,
      at: now,
    });
    await recordAudit(tx, {
      action: 'incident.create',
      resourceType: 'incident',
      resourceId: id,
      outcome: 'success',
      jurisdictionId: loc.gridId,
      payload: { subType: body.subType, severity: g.severity, priority: g.priority, rules: g.rules },
    });
    let alertId: string | null = null;
    if (g.lifeThreat) {
      alertId = await insertAlert(tx.db, {
        incidentId: id,
        jurisdictionId: loc.gridId,
        reason: 'life_threat',
        at: now,
      });
      await appendEvent(tx.db, id, {
        kind: 'alert',
        fromStatus: null,
        toStatus: null,
        note: 'duty leader alerted',
        actorId: null,
        at: now,
      });
      await recordAudit(tx, {
        action: 'incident.alert',
        resourceType: 'incident',
        resourceId: id,
        outcome: 'success',
        jurisdictionId: loc.gridId,
        payload: { alertId, rules: g.rules },
      });
    }
    const incident = (await findIncident(tx.db, id))!;
    const duplicateCandidates =
      loc.lon !== null && loc.lat !== null
        ? await findDuplicateCandidates(tx, { lon: loc.lon, lat: loc.lat }, body.category, id)
        : [];
    return { incident, duplicateCandidates, alertId };
  });
}

/** An incident the actor may read, else INCIDENT_NOT_FOUND (existence is not revealed). */
export async function getIncident(
  ctx: RequestContext,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<Incident> {
  if (!ctx.actor) throw new AppError('UNAUTHENTICATED', 'Log in first: send Authorization: Bearer <token>.');
  const i = await findIncident(ctx.db, id, opts);
  if (!i || !can(ctx.actor, 'incident.read', incidentResource(i), { now: ctx.now() })) {
    throw new AppError('INCIDENT_NOT_FOUND', 'No such incident in your jurisdiction; check the id.', { id });
  }
  return i;
}

/** Live incidents the actor may read (same rule as single reads, compiled to SQL). */
export async function listVisibleIncidents(ctx: RequestContext, q: ListIncidentsQuery): Promise<Incident[]> {
  if (!ctx.actor) throw new AppError('UNAUTHENTICATED', 'Log in first: send Authorization: Bearer <token>.');
  // Same attributes as incidentResource(): the path, and the incident's own task for task-scoped grants.
  const where = policyFilter(
    ctx.actor,
    'incident.read',
    { path: sql`j.path`, taskRefs: sql`array['incident:' || i.id]::text[]` },
    { now: ctx.now() },
  );
  return listIncidents(ctx.db, where, { status: q.status, jurisdictionId: q.jurisdictionId, limit: q.limit });
}

/** An incident's timeline (the actor must be able to read it). */
export async function incidentTimeline(ctx: RequestContext, id: string): Promise<TimelineEntry[]> {
  await getIncident(ctx, id);
  return timelineOf(ctx.db, id);
}

/** Moves an incident through its lifecycle; illegal transitions are rejected with a stable code. */
export async function transitionIncident(
  ctx: RequestContext,
  id: string,
  transition: Transition,
  note: string | undefined,
  codes: { disposition?: string; resultCode?: string } = {},
): Promise<{ incident: Incident; changes: DispatchChanges }> {
  return transaction(ctx, async (tx) => {
    const i = await getIncident(tx, id, { forUpdate: true });
    const actor = authorize(
      tx,
      transition === 'dispatch' ? 'incident.dispatch' : 'incident.update',
      incidentResource(i),
    );
    const to = nextStatus(i.status, transition);
    if (to === null) {
      throw new AppError('INCIDENT_BAD_TRANSITION', `Cannot ${transition} an incident that is ${i.status}.`, {
        from: i.status,
        transition,
      });
    }
    if (transition === 'close') {
      const bad = [
        ...(codes.disposition !== undefined && Object.hasOwn(DISPOSITIONS, codes.disposition) ? [] : ['disposition']),
        ...(codes.resultCode !== undefined && Object.hasOwn(RESULTS, codes.resultCode) ? [] : ['resultCode']),
      ];
      if (bad.length) {
        throw new AppError(
          'INCIDENT_CLOSE_CODES_REQUIRED',
          'Closing needs a disposition and a result code from the code list (GET /api/incidents/codes).',
          { fields: bad, known: { disposition: Object.keys(DISPOSITIONS), resultCode: Object.keys(RESULTS) } },
        );
      }
    } else if (codes.disposition !== undefined || codes.resultCode !== undefined) {
      throw new AppError('VALIDATION_FAILED', 'disposition and resultCode go with the close transition only.', {
        in: 'body',
        field: codes.disposition !== undefined ? 'disposition' : 'resultCode',
      });
    }
    const now = tx.now();
    await updateIncident(tx.db, id, {
      status: to,
      closedAt: to === 'closed' || to === 'cancelled' ? now : transition === 'reopen' ? null : undefined,
      disposition: transition === 'close' ? codes.disposition! : transition === 'reopen' ? null : undefined,
      resultCode: transition === 'close' ? codes.resultCode! : transition === 'reopen' ? null : undefined,
    });
    const closing =
      transition === 'close'
        ? `${DISPOSITIONS[codes.disposition!]!.label} / ${RESULTS[codes.resultCode!]!.label}`
        : null;
    await appendEvent(tx.db, id, {
      kind: 'status',
      fromStatus: i.status,
      toStatus: to,
      note: [closing, note].filter(Boolean).join(': ') || null,
      actorId: actor.userId,
      at: now,
    });
    // Closing or cancelling stands every unit still on the incident down.
    const changes =
      to === 'closed' || to === 'cancelled'
        ? await standDownIncident(tx, id, to)
        : { incidents: [], orders: [], units: [] };
    await recordAudit(tx, {
      action: `incident.${transition}`,
      resourceType: 'incident',
      resourceId: id,
      outcome: 'success',
      jurisdictionId: i.jurisdictionId,
      payload: {
        from: i.status,
        to,
        ...(transition === 'close' ? { disposition: codes.disposition, resultCode: codes.resultCode } : {}),
        ...(changes.orders.length ? { stoodDown: changes.orders.map((o) => o.order.id) } : {}),
      },
    });
    return { incident: (await findIncident(tx.db, id))!, changes };
  });
}

/** The call-taker overrides the computed grade, with a reason (timeline + audit). */
export async function regradeIncident(
  ctx: RequestContext,
  id: string,
  body: { severity: number; priority?: number; reason: string },
): Promise<Incident> {
  return transaction(ctx, async (tx) => {
    const i = await getIncident(tx, id, { forUpdate: true });
    const actor = authorize(tx, 'incident.update', incidentResource(i));
    if (i.status === 'closed' || i.status === 'cancelled') {
      throw new AppError(
        'INCIDENT_BAD_TRANSITION',
        `Cannot re-grade an incident that is ${i.status}; reopen it first.`,
        {
          from: i.status,
          transition: 'regrade',
        },
      );
    }
    const priority = body.priority ?? priorityFor(body.severity, false);
    await updateIncident(tx.db, id, { severity: body.severity, priority });
    await appendEvent(tx.db, id, {
      kind: 'grade',
      fromStatus: null,
      toStatus: null,
      note: `severity ${i.severity}→${body.severity}, priority ${i.priority ?? '-'}→${priority}: ${body.reason}`,
      actorId: actor.userId,
      at: tx.now(),
    });
    await recordAudit(tx, {
      action: 'incident.regrade',
      resourceType: 'incident',
      resourceId: id,
      outcome: 'success',
      jurisdictionId: i.jurisdictionId,
      payload: {
        from: { severity: i.severity, priority: i.priority },
        to: { severity: body.severity, priority },
        reason: body.reason,
      },
    });
    return (await findIncident(tx.db, id))!;
  });
}

/** The duty leader (or a dispatcher) acknowledges an alert. */
export async function acknowledgeAlert(ctx: RequestContext, id: string, alertId: string): Promise<void> {
  await transaction(ctx, async (tx) => {
    const i = await getIncident(tx, id);
    const actor = authorize(tx, 'incident.dispatch', incidentResource(i));
    const now = tx.now();
    if (!(await ackAlert(tx.db, id, alertId, actor.userId, now))) {
      throw new AppError(
        'INCIDENT_ALERT_NOT_FOUND',
        'No open alert with that id on this incident (already acknowledged?).',
        {
          alertId,
        },
      );
    }
    await appendEvent(tx.db, id, {
      kind: 'alert_ack',
      fromStatus: null,
      toStatus: null,
      note: null,
      actorId: actor.userId,
      at: now,
    });
    await recordAudit(tx, {
      action: 'incident.alert_ack',
      resourceType: 'incident',
      resourceId: id,
      outcome: 'success',
      jurisdictionId: i.jurisdictionId,
      payload: { alertId },
    });
  });
}

/**
 * Merges duplicate call `duplicateId` into incident `id`: the duplicate's callers are copied to `id` (both
 * callers kept), the duplicate is cancelled and points at `id`, both timelines say so, and the duplicate's
 * public query code follows `id` from now on.
 */
export async function mergeIncidents(
  ctx: RequestContext,
  id: string,
  duplicateId: string,
  note: string | undefined,
): Promise<Incident> {
  return transaction(ctx, async (tx) => {
    if (id === duplicateId) {
      throw new AppError(
        'INCIDENT_MERGE_INVALID',
        'An incident cannot be merged into itself; pick the duplicate call.',
        {
          id,
          duplicateId,
        },
      );
    }
    // Lock in id order so two opposite merges cannot deadlock.
    const [first, second] = id < duplicateId ? [id, duplicateId] : [duplicateId, id];
    const a = await getIncident(tx, first, { forUpdate: true });
    const b = await getIncident(tx, second, { forUpdate: true });
    const [keep, dup] = a.id === id ? [a, b] : [b, a];
    const actor = authorize(tx, 'incident.update', incidentResource(keep));
    authorize(tx, 'incident.update', incidentResource(dup));
    for (const i of [keep, dup]) {
      if (i.status === 'closed' || i.status === 'cancelled') {
        throw new AppError('INCIDENT_MERGE_INVALID', `Incident ${i.id} is ${i.status}; only open incidents merge.`, {
          id: i.id,
          status: i.status,
        });
      }
    }
    const now = tx.now();
    const copied = await copyCallers(tx.db, dup.id, keep.id);
    await markMerged(tx.db, dup.id, keep.id, now);
    await appendEvent(tx.db, dup.id, {
      kind: 'status',
      fromStatus: dup.status,
      toStatus: 'cancelled',
      note: `merged into ${keep.id}${note ? `: ${note}` : ''}`,
      actorId: actor.userId,
      at: now,
    });
    await appendEvent(tx.db, keep.id, {
      kind: 'merge',
      fromStatus: null,
      toStatus: null,
      note: `merged ${dup.id} (${copied} caller(s))${note ? `: ${note}` : ''}`,
      actorId: actor.userId,
      at: now,
    });
    await recordAudit(tx, {
      action: 'incident.merge',
      resourceType: 'incident',
      resourceId: keep.id,
      outcome: 'success',
      jurisdictionId: keep.jurisdictionId,
      payload: { duplicateId: dup.id, callers: copied },
    });
    return (await findIncident(tx.db, keep.id))!;
  });
}

/** The public progress of the incident with query code `code` (no authentication; stages only). */
export async function progressByCode(
  ctx: RequestContext,
  code: string,
): Promise<{ incident: Incident; timeline: TimelineEntry[] }> {
  const found = await findByQueryCode(ctx.db, code);
  // A merged duplicate's caller follows the incident that carries on.
  const incident = found?.mergedInto ? await findIncident(ctx.db, found.mergedInto) : found;
  if (!incident)
    throw new AppError('PROGRESS_NOT_FOUND', 'No incident has this query code; check the code in your SMS.', {});
  return { incident, timeline: await timelineOf(ctx.db, incident.id) };
}
