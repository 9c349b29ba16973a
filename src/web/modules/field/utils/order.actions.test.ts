import { describe, expect, it } from 'vitest';
import {
  ORDER_STATUSES,
  actionsFor,
  etaMinutes,
  formatDistance,
  formatElapsed,
  isActiveOrder,
  orderSteps,
  severityNumeral,
  type OrderTimes,
} from './order.actions.ts';

const base: OrderTimes = {
  status: 'sent',
  sentAt: '2026-11-23T08:00:00Z',
  acknowledgedAt: null,
  enRouteAt: null,
  onSceneAt: null,
  releasedAt: null,
  cancelledAt: null,
};

describe('order buttons', () => {
  it('asks for acknowledgement first, then en route, on scene and released, one big button at a time', () => {
    expect(actionsFor('sent')).toEqual({ primary: 'ack', secondary: [] });
    expect(actionsFor('acknowledged').primary).toBe('en_route');
    expect(actionsFor('en_route')).toEqual({ primary: 'on_scene', secondary: [] });
    expect(actionsFor('on_scene')).toEqual({ primary: 'released', secondary: [] });
  });

  it('lets an acknowledged officer report arrival directly, but never skip acknowledgement', () => {
    expect(actionsFor('acknowledged').secondary).toEqual(['on_scene']);
    expect(actionsFor('sent').secondary).not.toContain('on_scene');
    expect(actionsFor('sent').secondary).not.toContain('en_route');
  });

  it('offers nothing on a released or cancelled order, and no button twice', () => {
    for (const s of ['released', 'cancelled'] as const) {
      expect(actionsFor(s)).toEqual({ primary: null, secondary: [] });
      expect(isActiveOrder(s)).toBe(false);
    }
    for (const s of ORDER_STATUSES) {
      const { primary, secondary } = actionsFor(s);
      expect(secondary).not.toContain(primary);
    }
    expect(isActiveOrder('on_scene')).toBe(true);
  });
});

describe('order steps', () => {
  it('marks the stages done up to the current one', () => {
    const steps = orderSteps({
      ...base,
      status: 'en_route',
      acknowledgedAt: '2026-11-23T08:01:00Z',
      enRouteAt: '2026-11-23T08:02:00Z',
    });
    expect(steps.map((s) => s.state)).toEqual(['done', 'done', 'current', 'ahead', 'ahead']);
    expect(steps[2]!.at).toBe('2026-11-23T08:02:00Z');
  });

  it('counts a skipped en-route as passed once the officer is on scene, and all done once released', () => {
    const onScene = orderSteps({
      ...base,
      status: 'on_scene',
      acknowledgedAt: '2026-11-23T08:01:00Z',
      onSceneAt: '2026-11-23T08:09:00Z',
    });
    expect(onScene.map((s) => s.state)).toEqual(['done', 'done', 'done', 'current', 'ahead']);
    expect(onScene[2]!.at).toBeNull();
    const released = orderSteps({ ...base, status: 'released', releasedAt: '2026-11-23T09:00:00Z' });
    expect(released.every((s) => s.state === 'done')).toBe(true);
  });
});

describe('formatting', () => {
  const now = Date.parse('2026-11-23T08:00:00Z');
  it('shows the time since dispatch as a clock', () => {
    expect(formatElapsed('2026-11-23T07:55:55Z', now)).toBe('4:05');
    expect(formatElapsed('2026-11-23T06:57:51Z', now)).toBe('1:02:09');
    expect(formatElapsed('2026-11-23T08:00:30Z', now)).toBe('0:00');
    expect(formatElapsed('garbage', now)).toBe('–');
  });

  it('shows distances in metres below a kilometre and ETAs as at least one minute', () => {
    expect(formatDistance(0)).toBe('0 m');
    expect(formatDistance(847)).toBe('850 m');
    expect(formatDistance(3240)).toBe('3.2 km');
    expect(formatDistance(-1)).toBe('–');
    expect(formatDistance(Number.NaN)).toBe('–');
    expect(etaMinutes(20)).toBe(1);
    expect(etaMinutes(61)).toBe(2);
    expect(etaMinutes(0)).toBe(0);
    expect(etaMinutes(Number.POSITIVE_INFINITY)).toBe(0);
  });

  it('writes severities as Roman numerals and passes anything else through', () => {
    expect([1, 2, 3, 4].map(severityNumeral)).toEqual(['Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ']);
    expect(severityNumeral(7)).toBe('7');
  });
});
