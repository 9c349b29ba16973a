import { describe, expect, it } from 'vitest';
import type { Recommendation } from '../api/board.api.ts';
import { ActionKeys } from './idempotency.ts';
import { isSubmitChord, moveActive } from './keys.ts';
import { etaMinutes, planDispatch, proposedUnits, recommendationRows, slotKind } from './dispatch.ts';

const rec = (o: Partial<Recommendation> = {}): Recommendation => ({
  recommendationId: '11111111-1111-4111-8111-111111111111',
  recommended: [
    {
      unitId: 'u2',
      callSign: 'B',
      rank: 2,
      etaSec: 300,
      positionSource: 'live',
      dutyHours: 2,
      coverLeft: 4,
      reason: 'r',
    },
    { unitId: 'u1', callSign: 'A', rank: 1, etaSec: 120, positionSource: 'live', dutyHours: 1, reason: 'r' },
  ],
  excluded: [{ unitId: 'u9', callSign: 'Z', why: 'busy', detail: 'on another call' }],
  searchMs: 1,
  ...o,
});

describe('recommendation → dispatch', () => {
  it('proposes the best-ranked unit, or the run card picks when there is a run card', () => {
    expect(proposedUnits(rec())).toEqual(['u1']);
    const withCard = rec({
      runCard: {
        incidentType: 'criminal.robbery',
        picks: [
          { slotId: 'p1', label: 'patrol', unitId: 'u2', callSign: 'B', etaSec: 300, reason: '' },
          { slotId: 'p2', label: 'special', unitId: 'u3', callSign: 'C', etaSec: 400, reason: '' },
        ],
        unfilled: [],
        totalEtaSec: 700,
        method: 'lp',
        solveMs: 1,
      },
    });
    expect(proposedUnits(withCard)).toEqual(['u2', 'u3']);
    // A run-card pick is recommended: no override reason needed.
    expect(planDispatch(withCard, ['u3'], '')).toMatchObject({ ok: true, override: false });
    expect(proposedUnits(rec({ recommended: [] }))).toEqual([]);
  });

  it('accepting the recommendation sends its id and is no override', () => {
    expect(planDispatch(rec(), ['u1', 'u1'], '')).toEqual({
      ok: true,
      override: false,
      body: { unitIds: ['u1'], recommendationId: '11111111-1111-4111-8111-111111111111' },
    });
  });

  it('an override (a unit outside the recommendation) needs a reason, which is sent', () => {
    expect(planDispatch(rec(), ['u1', 'u9'], ' ')).toEqual({ ok: false, error: 'reasonRequired' });
    expect(planDispatch(null, ['u1'], '')).toEqual({ ok: false, error: 'reasonRequired' });
    expect(planDispatch(rec(), ['u9'], '熟悉地形')).toMatchObject({
      ok: true,
      override: true,
      body: { unitIds: ['u9'], overrideReason: '熟悉地形' },
    });
  });

  it('lists ranked units by rank, then run-card picks the ranking left out (each once, with its slot)', () => {
    const r = rec({
      runCard: {
        incidentType: 'criminal.robbery',
        picks: [
          { slotId: 'p1', label: 'patrol', unitId: 'u2', callSign: 'B', etaSec: 300, reason: '' },
          { slotId: 's1', label: 'special', unitId: 'u7', callSign: 'S', etaSec: 900, reason: 'only special' },
        ],
        unfilled: [],
        totalEtaSec: 1200,
        method: 'lp',
        solveMs: 1,
      },
    });
    expect(recommendationRows(r).map((x) => [x.callSign, x.rank, x.slot, x.dutyHours, x.coverLeft])).toEqual([
      ['A', 1, null, 1, null],
      ['B', 2, 'patrol', 2, 4],
      ['S', null, 'special', null, null],
    ]);
    // Every proposed unit has a row (so the dispatcher sees what Accept sends).
    const shown = new Set(recommendationRows(r).map((x) => x.unitId));
    expect(proposedUnits(r).every((id) => shown.has(id))).toBe(true);
    expect(recommendationRows(rec({ recommended: [] }))).toEqual([]);
    expect(recommendationRows(r).map((x) => x.slotKind)).toEqual([null, 'p1', 's1']);
    expect(slotKind('patrol-12')).toBe('patrol');
    expect(slotKind(undefined)).toBeNull();
  });

  it('refuses no units and more than ten', () => {
    expect(planDispatch(rec(), [], 'x')).toEqual({ ok: false, error: 'noUnits' });
    const many = Array.from({ length: 11 }, (_, i) => `u${i}`);
    expect(planDispatch(rec(), many, 'because')).toEqual({ ok: false, error: 'tooMany' });
  });

  it('rounds ETAs to minutes, at least one for any positive time', () => {
    expect(etaMinutes(0)).toBe(0);
    expect(etaMinutes(10)).toBe(1);
    expect(etaMinutes(150)).toBe(3);
  });
});

describe('idempotency keys per action', () => {
  it('reuses the key when the same request is retried, and gives a new one after success or a changed body', () => {
    let n = 0;
    const keys = new ActionKeys(() => `k${++n}`);
    expect(keys.keyFor({ a: 1 })).toBe('k1');
    expect(keys.keyFor({ a: 1 })).toBe('k1');
    expect(keys.keyFor({ a: 2 })).toBe('k2');
    keys.settle();
    expect(keys.keyFor({ a: 2 })).toBe('k3');
  });
});

describe('keyboard helpers', () => {
  it('Ctrl+Enter and Cmd+Enter submit; plain Enter does not', () => {
    expect(isSubmitChord({ key: 'Enter', ctrlKey: true, metaKey: false })).toBe(true);
    expect(isSubmitChord({ key: 'Enter', ctrlKey: false, metaKey: true })).toBe(true);
    expect(isSubmitChord({ key: 'Enter', ctrlKey: false, metaKey: false })).toBe(false);
    expect(isSubmitChord({ key: 'a', ctrlKey: true, metaKey: false })).toBe(false);
  });

  it('moves the active option with arrows, clamped to the list', () => {
    expect(moveActive(0, 'ArrowDown', 3)).toBe(1);
    expect(moveActive(2, 'ArrowDown', 3)).toBe(2);
    expect(moveActive(0, 'ArrowUp', 3)).toBe(0);
    expect(moveActive(1, 'End', 3)).toBe(2);
    expect(moveActive(2, 'Home', 3)).toBe(0);
    expect(moveActive(5, 'x', 3)).toBe(2);
    expect(moveActive(-1, 'x', 3)).toBe(0);
    expect(moveActive(0, 'ArrowDown', 0)).toBe(-1);
  });
});
