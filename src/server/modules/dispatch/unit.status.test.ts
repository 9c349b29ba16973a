/** The unit status machine: closed over the statuses, no self-loops, every status can get back to available. */
import { describe, expect, it } from 'vitest';
import { UNIT_STATUSES, UNIT_TRANSITIONS, canTransition } from './unit.status.ts';

describe('unit status transitions', () => {
  it('only lead to known statuses and never to the same status', () => {
    for (const from of UNIT_STATUSES) {
      for (const to of UNIT_TRANSITIONS[from]) {
        expect(UNIT_STATUSES).toContain(to);
        expect(to).not.toBe(from);
      }
    }
  });

  it('let every status return to available, and every status be reached from off duty', () => {
    const reach = (start: string): Set<string> => {
      const seen = new Set([start]);
      const todo = [start];
      while (todo.length) {
        for (const n of UNIT_TRANSITIONS[todo.pop() as keyof typeof UNIT_TRANSITIONS]) {
          if (seen.has(n)) continue;
          seen.add(n);
          todo.push(n);
        }
      }
      return seen;
    };
    for (const s of UNIT_STATUSES) expect(reach(s).has('available'), s).toBe(true);
    expect([...reach('off_duty')].sort()).toEqual([...UNIT_STATUSES].sort());
  });

  it('rejects committed units going off duty and unknown statuses', () => {
    expect(canTransition('on_scene', 'off_duty')).toBe(false);
    expect(canTransition('dispatched', 'off_duty')).toBe(false);
    expect(canTransition('off_duty', 'dispatched')).toBe(false);
    expect(canTransition('available', 'dispatched')).toBe(true);
    expect(canTransition('sleeping', 'available')).toBe(false);
    expect(canTransition('available', 'sleeping')).toBe(false);
  });
});
