import { describe, expect, it } from 'vitest';
import type { IncidentView, Order, QueueItem } from '../api/board.api.ts';
import {
  activeOrders,
  applyQueueEvent,
  formatDuration,
  headlineTimer,
  isOpen,
  severityNumeral,
  sortQueue,
  stepSelection,
  tickTimer,
  upsertOrder,
  waitingSecAt,
} from './queue.ts';

const incident = (id: string, o: Partial<IncidentView> = {}): IncidentView => ({
  id,
  queryCode: null,
  category: 'criminal',
  subType: 'criminal.theft',
  severity: 4,
  priority: 4,
  status: 'graded',
  channel: 'phone',
  description: null,
  address: null,
  lon: null,
  lat: null,
  jurisdictionId: '01',
  receivedAt: '2026-11-23T08:00:00.000Z',
  gradingRules: [],
  callers: [],
  masked: [],
  ...o,
});
const item = (i: IncidentView): QueueItem => ({ incident: i, waitingSec: 0, timers: [], orders: [] });
const order = (id: string, status: Order['status'], sentAt: string): Order => ({
  id,
  incidentId: 'i',
  unitId: `u-${id}`,
  callSign: id,
  status,
  recommended: true,
  overrideReason: null,
  sentAt,
  acknowledgedAt: null,
  enRouteAt: null,
  onSceneAt: null,
  releasedAt: null,
  cancelledAt: null,
  cancelReason: null,
});

describe('queue ordering', () => {
  it('puts the most urgent priority first, then the higher severity, then the longest waiting', () => {
    const items = [
      item(incident('late-p3', { priority: 3, receivedAt: '2026-11-23T08:05:00Z' })),
      item(incident('early-p3', { priority: 3, receivedAt: '2026-11-23T08:00:00Z' })),
      item(incident('p1', { priority: 1, receivedAt: '2026-11-23T08:09:00Z' })),
      item(incident('ungraded', { priority: null, severity: 1 })),
      item(incident('p3-sev2', { priority: 3, severity: 2, receivedAt: '2026-11-23T08:08:00Z' })),
    ];
    expect(sortQueue(items).map((i) => i.incident.id)).toEqual(['p1', 'p3-sev2', 'early-p3', 'late-p3', 'ungraded']);
  });

  it('breaks full ties by id so the list does not jump between renders', () => {
    const items = [item(incident('b')), item(incident('a'))];
    expect(sortQueue(items).map((i) => i.incident.id)).toEqual(['a', 'b']);
    expect(sortQueue(items.reverse()).map((i) => i.incident.id)).toEqual(['a', 'b']);
  });

  it('knows which statuses are open', () => {
    expect(isOpen('handled')).toBe(true);
    expect(isOpen('closed')).toBe(false);
    expect(isOpen('nonsense')).toBe(false);
  });
});

describe('times', () => {
  it('formats durations as m:ss and h:mm:ss, never negative', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3600 + 61)).toBe('1:01:01');
    expect(formatDuration(-5)).toBe('0:00');
    expect(formatDuration(59.9)).toBe('0:59');
  });

  it('counts waiting time from reception; a bad or future time gives 0', () => {
    const now = Date.parse('2026-11-23T08:00:30Z');
    expect(waitingSecAt('2026-11-23T08:00:00Z', now)).toBe(30);
    expect(waitingSecAt('2026-11-23T09:00:00Z', now)).toBe(0);
    expect(waitingSecAt('not a date', now)).toBe(0);
  });

  it('a running timer keeps counting and turns late past its target; a finished one stays as it was', () => {
    const running = { stage: 'on_scene', targetSec: 300, elapsedSec: 290, late: false, done: false };
    expect(tickTimer(running, 5)).toMatchObject({ elapsedSec: 295, late: false });
    expect(tickTimer(running, 20)).toMatchObject({ elapsedSec: 310, late: true });
    expect(tickTimer(running, -100)).toMatchObject({ elapsedSec: 290 });
    const done = { ...running, done: true };
    expect(tickTimer(done, 1000)).toBe(done);
  });

  it('headlines the late unfinished stage before the running one, and nothing when all are done', () => {
    const a = { stage: 'dispatched', targetSec: 60, elapsedSec: 30, late: false, done: true };
    const b = { stage: 'on_scene', targetSec: 300, elapsedSec: 100, late: false, done: false };
    const c = { stage: 'acknowledged', targetSec: 60, elapsedSec: 120, late: true, done: false };
    expect(headlineTimer([a, b, c])?.stage).toBe('acknowledged');
    expect(headlineTimer([a, b])?.stage).toBe('on_scene');
    expect(headlineTimer([a])).toBeNull();
  });
});

describe('orders and selection', () => {
  it('keeps active orders only and replaces an updated order in sent order', () => {
    const o1 = order('A', 'sent', '2026-11-23T08:00:00Z');
    const o2 = order('B', 'cancelled', '2026-11-23T08:01:00Z');
    expect(activeOrders([o1, o2]).map((o) => o.id)).toEqual(['A']);
    const updated = upsertOrder([o2, o1], { ...o1, status: 'en_route' });
    expect(updated.map((o) => [o.id, o.status])).toEqual([
      ['A', 'en_route'],
      ['B', 'cancelled'],
    ]);
    expect(upsertOrder([o1], order('C', 'sent', '2026-11-23T07:00:00Z')).map((o) => o.id)).toEqual(['C', 'A']);
  });

  it('steps through the queue with wrap-around, and starts at an end when nothing is selected', () => {
    const ids = ['a', 'b', 'c'];
    expect(stepSelection(ids, 'a', 1)).toBe('b');
    expect(stepSelection(ids, 'c', 1)).toBe('a');
    expect(stepSelection(ids, 'a', -1)).toBe('c');
    expect(stepSelection(ids, null, 1)).toBe('a');
    expect(stepSelection(ids, 'gone', -1)).toBe('c');
    expect(stepSelection([], 'a', 1)).toBeNull();
  });

  it('names severities in Roman numerals', () => {
    expect([1, 2, 3, 4].map(severityNumeral)).toEqual(['I', 'II', 'III', 'IV']);
    expect(severityNumeral(7)).toBe('?');
  });
});

describe('live events applied to the queue', () => {
  const items = sortQueue([item(incident('a', { priority: 2 })), item(incident('b', { priority: 3 }))]);

  it('an order event adds or updates the order of its incident', () => {
    const o = { ...order('O1', 'sent', '2026-11-23T08:01:00Z'), incidentId: 'b' };
    const once = applyQueueEvent(items, 'order.created', JSON.stringify(o));
    expect(once.find((q) => q.incident.id === 'b')!.orders.map((x) => x.callSign)).toEqual(['O1']);
    const twice = applyQueueEvent(once, 'order.updated', JSON.stringify({ ...o, status: 'en_route' }));
    expect(twice.find((q) => q.incident.id === 'b')!.orders.map((x) => x.status)).toEqual(['en_route']);
  });

  it('an incident.updated event changes status and grading, re-sorts, and drops a closed incident', () => {
    const regraded = applyQueueEvent(
      items,
      'incident.updated',
      JSON.stringify({ id: 'b', priority: 1, status: 'dispatched' }),
    );
    expect(regraded.map((q) => [q.incident.id, q.incident.priority, q.incident.status])).toEqual([
      ['b', 1, 'dispatched'],
      ['a', 2, 'graded'],
    ]);
    const closed = applyQueueEvent(items, 'incident.updated', JSON.stringify({ id: 'a', status: 'closed' }));
    expect(closed.map((q) => q.incident.id)).toEqual(['b']);
  });

  it('leaves the queue alone for other events, unknown incidents and malformed data', () => {
    expect(applyQueueEvent(items, 'unit.position', '{"id":"a"}')).toBe(items);
    expect(
      applyQueueEvent(items, 'order.created', JSON.stringify({ ...order('X', 'sent', 'x'), incidentId: 'zz' })),
    ).toBe(items);
    expect(applyQueueEvent(items, 'order.created', '{"incidentId":"a"}')).toBe(items);
    expect(applyQueueEvent(items, 'incident.updated', 'not json')).toBe(items);
    expect(applyQueueEvent(items, 'incident.updated', '{"id":"nope","status":"closed"}')).toBe(items);
  });
});
