/**
 * What gathers around an incident after intake: the code lists, the dispatcher's queue with stage timers,
 * notes and attachments along the timeline (by whoever may update the incident, or the crew of a unit sent to
 * it), and links between related incidents (both stay open, unlike a merged duplicate).
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { recordAudit, transaction, type RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { can } from '../policy/policy.ts';
import { policyFilter } from '../policy/policy.filter.ts';
import { activeOrdersOfIncident, ordersOfIncidents } from '../dispatch/order.repository.ts';
import { crewUserIds } from '../dispatch/unit.repository.ts';
import { presentOrder } from '../dispatch/order.service.ts';
import type { OrderDto } from '../dispatch/order.schemas.ts';
import { CATEGORIES, CATEGORY_LABELS, DISPOSITIONS, RESULTS, SUB_TYPES } from './incident.codes.ts';
import { incidentResource } from './incident.presenter.ts';
import {
  appendEvent,
  attachmentContent,
  attachmentsOf,
  insertAttachment,
  insertLink,
  linksOf,
  openIncidents,
  stageTimesOf,
  type AttachmentMeta,
  type Incident,
} from './incident.repository.ts';
import { ATTACHMENT_MAX_BYTES } from './incident.schemas.ts';
import { getIncident } from './incident.service.ts';
import { STAGE_TARGETS_SEC, stageTimers, type StageTimer } from './incident.timers.ts';

/** The code lists the intake and closing forms offer. */
export function incidentCodes() {
  return {
    categories: CATEGORIES.map((c) => ({ code: c, label: CATEGORY_LABELS[c] })),
    subTypes: Object.entries(SUB_TYPES).map(([code, d]) => ({
      code,
      category: code.split('.')[0]!,
      label: d.label,
      baseSeverity: d.baseSeverity,
      lifeThreat: d.lifeThreat ?? false,
    })),
    dispositions: Object.entries(DISPOSITIONS).map(([code, d]) => ({ code, label: d.label })),
    results: Object.entries(RESULTS).map(([code, d]) => ({ code, label: d.label })),
    stageTargetsSec: Object.fromEntries(
      Object.entries(STAGE_TARGETS_SEC).map(([stage, bySev]) => [
        stage,
        Object.fromEntries(Object.entries(bySev).map(([sev, sec]) => [sev, sec])),
      ]),
    ),
  };
}

export interface QueueItem {
  incident: Incident;
  waitingSec: number;
  timers: StageTimer[];
  orders: OrderDto[];
}

/** Open incidents the actor may read, most urgent first, with their stage timers and orders. */
export async function incidentQueue(ctx: RequestContext, limit: number): Promise<QueueItem[]> {
  if (!ctx.actor) throw new AppError('UNAUTHENTICATED', 'Log in first: send Authorization: Bearer <token>.');
  const now = ctx.now();
  const where = policyFilter(
    ctx.actor,
    'incident.read',
    { path: sql`j.path`, taskRefs: sql`array['incident:' || i.id]::text[]` },
    { now },
  );
  const incidents = await openIncidents(ctx.db, where, limit);
  const ids = incidents.map((i) => i.id);
  const [times, orders] = await Promise.all([stageTimesOf(ctx.db, ids), ordersOfIncidents(ctx.db, ids)]);
  return incidents.map((i) => ({
    incident: i,
    waitingSec: Math.max(0, Math.round((now.getTime() - i.receivedAt.getTime()) / 1000)),
    timers: stageTimers(i.severity, i.receivedAt, times.get(i.id) ?? {}, now),
    orders: orders.filter((o) => o.incident_id === i.id).map(presentOrder),
  }));
}

/** The incident (locked), if the actor may add to its record: `incident.update`, or the crew of a unit on it. */
async function incidentForRecord(tx: RequestContext, id: string): Promise<Incident> {
  const i = await getIncident(tx, id, { forUpdate: true });
  if (can(tx.actor, 'incident.update', incidentResource(i), { now: tx.now() })) return i;
  const active = await activeOrdersOfIncident(tx.db, id);
  const crews = await crewUserIds(
    tx.db,
    active.map((o) => o.unit_id),
  );
  if ([...crews.values()].some((c) => c.has(tx.actor!.userId))) return i;
  throw new AppError('FORBIDDEN', 'Only those handling this incident may add to its record.', {
    action: 'incident.update',
    resourceType: 'incident',
  });
}

/** Adds a note to the timeline. */
export async function addNote(
  ctx: RequestContext,
  id: string,
  text: string,
): Promise<{ incidentId: string; at: Date }> {
  return transaction(ctx, async (tx) => {
    const i = await incidentForRecord(tx, id);
    const at = tx.now();
    await appendEvent(tx.db, id, {
      kind: 'note',
      fromStatus: null,
      toStatus: null,
      note: text,
      actorId: tx.actor!.userId,
      at,
    });
    await recordAudit(tx, {
      action: 'incident.note',
      resourceType: 'incident',
      resourceId: id,
      outcome: 'success',
      jurisdictionId: i.jurisdictionId,
      payload: { length: text.length },
    });
    return { incidentId: id, at };
  });
}

/** Leading bytes of each accepted type: the content must be what it claims to be. */
const MAGIC: Record<string, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/webp': (b) =>
    b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  'application/pdf': (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
};

/** Stores a photo or document on the incident (type checked against its content), on the timeline. */
export async function addAttachment(
  ctx: RequestContext,
  id: string,
  body: { fileName: string; contentType: string; dataBase64: string },
): Promise<AttachmentMeta> {
  const data = Buffer.from(body.dataBase64, 'base64');
  if (data.length === 0 || data.length > ATTACHMENT_MAX_BYTES) {
    throw new AppError('ATTACHMENT_INVALID', `An attachment must hold 1 byte to ${ATTACHMENT_MAX_BYTES} bytes.`, {
      size: data.length,
    });
  }
  if (!MAGIC[body.contentType]?.(data)) {
    throw new AppError('ATTACHMENT_INVALID', `The content is not a ${body.contentType} file.`, {
      contentType: body.contentType,
    });
  }
  return transaction(ctx, async (tx) => {
    const i = await incidentForRecord(tx, id);
    const at = tx.now();
    const sha256 = createHash('sha256').update(data).digest('hex');
    const meta = await insertAttachment(tx.db, {
      incidentId: id,
      fileName: body.fileName,
      contentType: body.contentType,
      data,
      sha256,
      by: tx.actor!.userId,
      at,
    });
    await appendEvent(tx.db, id, {
      kind: 'attachment',
      fromStatus: null,
      toStatus: null,
      note: `${body.fileName} (${Math.ceil(data.length / 1024)} KiB)`,
      actorId: tx.actor!.userId,
      at,
    });
    await recordAudit(tx, {
      action: 'incident.attachment',
      resourceType: 'incident',
      resourceId: id,
      outcome: 'success',
      jurisdictionId: i.jurisdictionId,
      payload: { attachmentId: meta.id, sha256, size: data.length, contentType: body.contentType },
    });
    return meta;
  });
}

/** The attachments of an incident the actor may read. */
export async function listAttachments(ctx: RequestContext, id: string): Promise<AttachmentMeta[]> {
  await getIncident(ctx, id);
  return attachmentsOf(ctx.db, id);
}

/** One attachment's content (the actor must be able to read the incident). */
export async function readAttachment(
  ctx: RequestContext,
  id: string,
  attachmentId: string,
): Promise<AttachmentMeta & { data: Buffer }> {
  await getIncident(ctx, id);
  const a = await attachmentContent(ctx.db, id, attachmentId);
  if (!a) throw new AppError('ATTACHMENT_NOT_FOUND', 'No such attachment on this incident.', { attachmentId });
  return a;
}

/** Links two related incidents (both stay open); idempotent; both timelines say so. */
export async function linkIncidents(
  ctx: RequestContext,
  id: string,
  otherId: string,
  note: string | undefined,
): Promise<{ incidentId: string; linkedIds: string[] }> {
  if (id === otherId) {
    throw new AppError('INCIDENT_LINK_INVALID', 'An incident cannot be linked to itself.', { id });
  }
  return transaction(ctx, async (tx) => {
    const [first, second] = id < otherId ? [id, otherId] : [otherId, id];
    const a = await getIncident(tx, first, { forUpdate: true });
    const b = await getIncident(tx, second, { forUpdate: true });
    const now = tx.now();
    for (const i of [a, b]) {
      if (!can(tx.actor, 'incident.update', incidentResource(i), { now })) {
        throw new AppError('FORBIDDEN', 'You may not update both incidents.', {
          action: 'incident.update',
          resourceType: 'incident',
        });
      }
    }
    const made = await insertLink(tx.db, id, otherId, { note: note ?? null, by: tx.actor!.userId, at: now });
    if (made) {
      for (const [x, y] of [
        [id, otherId],
        [otherId, id],
      ] as const) {
        await appendEvent(tx.db, x, {
          kind: 'link',
          fromStatus: null,
          toStatus: null,
          note: `linked with ${y}${note ? `: ${note}` : ''}`,
          actorId: tx.actor!.userId,
          at: now,
        });
      }
      await recordAudit(tx, {
        action: 'incident.link',
        resourceType: 'incident',
        resourceId: id,
        outcome: 'success',
        jurisdictionId: (a.id === id ? a : b).jurisdictionId,
        payload: { otherId },
      });
    }
    return { incidentId: id, linkedIds: await linksOf(tx.db, id) };
  });
}
