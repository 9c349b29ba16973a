/** Pure helpers of the incident queue: ordering, waiting time, timers, severity. */
import type { IncidentStatus, Order, QueueItem, StageTimer } from '../api/board.api.ts';

/** Statuses that still need handling (the queue shows these). */
export const OPEN_STATUSES: readonly IncidentStatus[] = [
  'received',
  'graded',
  'dispatched',
  'acknowledged',
  'en_route',
  'on_scene',
  'handled',
];

/** True while the incident still needs handling. */
export function isOpen(status: string): boolean {
  return (OPEN_STATUSES as readonly string[]).includes(status);
}

/** Roman numeral of a severity (1 = I 特别重大 … 4 = IV 一般). */
export function severityNumeral(severity: number): string {
  return ['I', 'II', 'III', 'IV'][severity - 1] ?? '?';
}

/** Seconds waited since reception at `now` (never negative). */
export function waitingSecAt(receivedAt: string, now: number): number {
  const t = Date.parse(receivedAt);
  return Number.isFinite(t) ? Math.max(0, Math.floor((now - t) / 1000)) : 0;
}

/**
 * Queue order: priority first (1 most urgent; an ungraded incident after every graded one), then severity,
 * then the longest waiting first, then id so the order is stable.
 */
export function compareQueue(a: QueueItem, b: QueueItem): number {
  const pa = a.incident.priority ?? 99;
  const pb = b.incident.priority ?? 99;
  if (pa !== pb) return pa - pb;
  if (a.incident.severity !== b.incident.severity) return a.incident.severity - b.incident.severity;
  const ra = Date.parse(a.incident.receivedAt);
  const rb = Date.parse(b.incident.receivedAt);
  if (ra !== rb) return ra - rb;
  return a.incident.id < b.incident.id ? -1 : a.incident.id > b.incident.id ? 1 : 0;
}

/** Sorted copy of the queue. */
export function sortQueue(items: readonly QueueItem[]): QueueItem[] {
  return [...items].sort(compareQueue);
}

/** `m:ss` under an hour, `h:mm:ss` above; negative values read as 0. */
export function formatDuration(totalSec: number): string {
  const s = Math.max(0, Math.floor(totalSec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * A timer as it stands `drift` seconds after the server measured it: an unfinished stage keeps counting and
 * turns late when it passes its target.
 */
export function tickTimer(timer: StageTimer, driftSec: number): StageTimer {
  if (timer.done) return timer;
  const elapsedSec = timer.elapsedSec + Math.max(0, driftSec);
  return { ...timer, elapsedSec, late: timer.late || elapsedSec > timer.targetSec };
}

/** The timer to show in a queue row: the first late unfinished stage, else the running one, else none. */
export function headlineTimer(timers: readonly StageTimer[]): StageTimer | null {
  return timers.find((t) => !t.done && t.late) ?? timers.find((t) => !t.done) ?? null;
}

/** Orders still binding a unit (not released or cancelled). */
export function activeOrders(orders: readonly Order[]): Order[] {
  return orders.filter((o) => o.status !== 'released' && o.status !== 'cancelled');
}

/** Replaces (or adds) an order by id, keeping the list in sent order. */
export function upsertOrder(orders: readonly Order[], order: Order): Order[] {
  const rest = orders.filter((o) => o.id !== order.id);
  return [...rest, order].sort((a, b) => Date.parse(a.sentAt) - Date.parse(b.sentAt));
}

/** The next incident id in the queue after (or before, with step -1) `current`; wraps around. */
export function stepSelection(ids: readonly string[], current: string | null, step: 1 | -1): string | null {
  if (ids.length === 0) return null;
  const at = current === null ? -1 : ids.indexOf(current);
  if (at === -1) return step === 1 ? ids[0]! : ids[ids.length - 1]!;
  return ids[(at + step + ids.length) % ids.length]!;
}

/**
 * The queue with one live event applied at once (before the reload that follows confirms it): an order event
 * updates the incident's orders, an incident.updated event its status and grading. Unknown or malformed events,
 * and incidents not in the queue, leave it unchanged (same array).
 */
export function applyQueueEvent(items: QueueItem[], event: string, data: string): QueueItem[] {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(data) as Record<string, unknown>;
  } catch {
    return items;
  }
  if ((event === 'order.created' || event === 'order.updated') && typeof v.incidentId === 'string') {
    const order = v as unknown as Order;
    if (typeof order.id !== 'string' || typeof order.callSign !== 'string' || typeof order.sentAt !== 'string')
      return items;
    const at = items.findIndex((q) => q.incident.id === order.incidentId);
    if (at === -1) return items;
    const next = [...items];
    next[at] = { ...items[at]!, orders: upsertOrder(items[at]!.orders, order) };
    return next;
  }
  if (event === 'incident.updated' && typeof v.id === 'string') {
    const at = items.findIndex((q) => q.incident.id === v.id);
    if (at === -1) return items;
    const old = items[at]!;
    const incident = { ...old.incident };
    if (typeof v.status === 'string') incident.status = v.status as IncidentStatus;
    if (typeof v.severity === 'number') incident.severity = v.severity;
    if (typeof v.priority === 'number' || v.priority === null) incident.priority = v.priority;
    const next = isOpen(incident.status) ? [...items] : items.filter((q) => q !== old);
    if (isOpen(incident.status)) next[at] = { ...old, incident };
    return sortQueue(next);
  }
  return items;
}
