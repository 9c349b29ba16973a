/** Pure rules: grading table, code list, the lifecycle state machine. */
import { describe, expect, it } from 'vitest';
import { GRADING_RULES, grade, priorityFor } from './incident.grading.ts';
import { COMPATIBLE, isKnownSubType } from './incident.codes.ts';
import { MACHINE, STATUSES, TRANSITIONS, nextStatus, type IncidentStatus } from './incident.lifecycle.ts';

describe('grading rules table', () => {
  it.each([
    // facts, severity, priority, lifeThreat, rules
    [{ subType: 'criminal.theft' }, 4, 5, false, []],
    [{ subType: 'criminal.theft', weapons: true }, 3, 3, true, ['weapons']],
    [{ subType: 'criminal.robbery' }, 2, 2, true, []],
    [{ subType: 'criminal.robbery', weapons: true, injuries: 1 }, 1, 1, true, ['weapons', 'injuries']],
    [{ subType: 'public_order.fight', injuries: 3 }, 1, 1, true, ['injuries', 'mass_injuries']],
    [{ subType: 'dispute.neighbour', minorsInvolved: true }, 3, 4, false, ['minors']],
    [{ subType: 'public_order.gathering', crowdSize: 9 }, 3, 4, false, []],
    [{ subType: 'public_order.gathering', crowdSize: 10 }, 2, 3, false, ['crowd']],
    [{ subType: 'public_order.gathering', crowdSize: 60 }, 1, 1, true, ['crowd', 'large_crowd']],
    [{ subType: 'dispute.domestic', repeatCount: 1 }, 3, 4, false, []],
    [{ subType: 'dispute.domestic', repeatCount: 2 }, 2, 3, false, ['repeat_address']],
    [{ subType: 'fire.building' }, 2, 2, true, []],
    [{ subType: 'unknown.thing' }, 4, 5, false, []],
  ] as const)('%o → severity %i, priority %i', (facts, severity, priority, lifeThreat, rules) => {
    const g = grade(facts);
    expect(g.severity).toBe(severity);
    expect(g.priority).toBe(priority);
    expect(g.lifeThreat).toBe(lifeThreat);
    expect(g.rules).toEqual(rules);
  });

  it('never grades beyond I however many rules fire', () => {
    const g = grade({
      subType: 'criminal.homicide',
      weapons: true,
      injuries: 5,
      minorsInvolved: true,
      crowdSize: 100,
      repeatCount: 9,
    });
    expect(g.severity).toBe(1);
    expect(g.rules).toEqual(GRADING_RULES.map((r) => r.id));
  });

  it('keeps priority within 1-5', () => {
    expect(priorityFor(1, true)).toBe(1);
    expect(priorityFor(4, false)).toBe(5);
  });

  it('accepts a custom rules table', () => {
    expect(grade({ subType: 'criminal.theft', weapons: true }, []).severity).toBe(4);
  });
});

describe('code list', () => {
  it('knows sub-types only under their own category', () => {
    expect(isKnownSubType('criminal', 'criminal.robbery')).toBe(true);
    expect(isKnownSubType('traffic', 'criminal.robbery')).toBe(false);
    expect(isKnownSubType('criminal', 'criminal.toString')).toBe(false);
    expect(isKnownSubType('criminal', 'criminal.')).toBe(false);
  });

  it('compatibility is symmetric and reflexive', () => {
    for (const [a, bs] of Object.entries(COMPATIBLE)) {
      expect(bs).toContain(a);
      for (const b of bs) expect(COMPATIBLE[b]).toContain(a);
    }
  });
});

describe('lifecycle state machine', () => {
  it('walks the happy path received → closed', () => {
    let s: IncidentStatus = 'received';
    const path = ['grade', 'dispatch', 'acknowledge', 'depart', 'arrive', 'handle', 'close'] as const;
    const seen: IncidentStatus[] = [];
    for (const t of path) {
      s = nextStatus(s, t)!;
      seen.push(s);
    }
    expect(seen).toEqual(['graded', 'dispatched', 'acknowledged', 'en_route', 'on_scene', 'handled', 'closed']);
  });

  it.each([
    ['received', 'close'],
    ['received', 'arrive'],
    ['graded', 'handle'],
    ['dispatched', 'arrive'],
    ['closed', 'dispatch'],
    ['closed', 'cancel'],
    ['cancelled', 'close'],
    ['on_scene', 'reopen'],
  ] as const)('rejects %s --%s-->', (from, t) => {
    expect(nextStatus(from, t)).toBeNull();
  });

  it('allows cancel from every open status and reopen only from closed or cancelled', () => {
    for (const s of STATUSES) {
      const open = s !== 'closed' && s !== 'cancelled';
      expect(nextStatus(s, 'cancel') !== null).toBe(open);
      expect(nextStatus(s, 'reopen') !== null).toBe(!open);
    }
  });

  it('every transition leads to a known status', () => {
    for (const t of TRANSITIONS) expect(STATUSES).toContain(MACHINE[t].to);
  });
});
