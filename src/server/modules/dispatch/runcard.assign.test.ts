import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../errors.ts';
import {
  assignRunCard,
  assignmentCost,
  ineligibility,
  unfilledCost,
  warmRunCardSolver,
  type RunCardCandidate,
} from './runcard.assign.ts';
import { DEFAULT_RUN_CARD, runCardFor, type RunCardSlot, type UnitType } from './runcard.ts';

const unit = (callSign: string, unitType: UnitType, etaSec: number, extra: Partial<RunCardCandidate> = {}) => ({
  unitId: `u-${callSign}`,
  callSign,
  unitType,
  etaSec,
  dutyHours: null,
  skills: [],
  equipment: [],
  ...extra,
});

/** The model's objective for an assignment (slot id -> unit id), as the solver sees it. */
function objective(
  slots: readonly RunCardSlot[],
  cands: readonly RunCardCandidate[],
  picks: { slotId: string; unitId: string }[],
): number {
  const units = [...cands].sort((a, b) => (a.callSign < b.callSign ? -1 : 1));
  return slots.reduce((sum, slot, s) => {
    const pick = picks.find((p) => p.slotId === slot.id);
    if (!pick) return sum + unfilledCost(s, slots.length);
    const u = units.findIndex((c) => c.unitId === pick.unitId);
    return sum + assignmentCost(units[u]!, u);
  }, 0);
}

/** Brute force: the least objective over every assignment of distinct eligible units (or none) to slots. */
function bruteForce(slots: readonly RunCardSlot[], cands: readonly RunCardCandidate[]): number {
  let best = Infinity;
  const picks: { slotId: string; unitId: string }[] = [];
  const rec = (s: number) => {
    if (s === slots.length) {
      best = Math.min(best, objective(slots, cands, picks));
      return;
    }
    rec(s + 1);
    for (const c of cands) {
      if (picks.some((p) => p.unitId === c.unitId) || ineligibility(slots[s]!, c) !== null) continue;
      picks.push({ slotId: slots[s]!.id, unitId: c.unitId });
      rec(s + 1);
      picks.pop();
    }
  };
  rec(0);
  return best;
}

beforeAll(async () => {
  await warmRunCardSolver();
});

describe('run cards', () => {
  it('armed robbery needs two patrol units and a special unit; unknown sub-types get the default card', () => {
    const card = runCardFor('criminal.robbery');
    expect(card.filter((s) => s.unitTypes?.includes('patrol_car'))).toHaveLength(2);
    expect(card.filter((s) => s.unitTypes?.length === 1 && s.unitTypes[0] === 'special')).toHaveLength(1);
    expect(runCardFor('report.clue')).toBe(DEFAULT_RUN_CARD);
    expect(runCardFor('toString')).toBe(DEFAULT_RUN_CARD);
  });
});

describe('assignRunCard', () => {
  it('beats greedy nearest-first when the nearest patrol-capable unit is the only special unit', async () => {
    const card = runCardFor('criminal.robbery');
    const cands = [
      unit('SP1', 'special', 60),
      unit('P1', 'patrol_car', 120),
      unit('P2', 'patrol_car', 180),
      unit('P3', 'motorbike', 900),
    ];
    // Greedy (slots in order, nearest eligible first): patrol-1 ← SP1, patrol-2 ← P1, special-1 ← nothing.
    const r = await assignRunCard(card, cands);
    expect(r.unfilled).toEqual([]);
    const bySlot = Object.fromEntries(r.picks.map((p) => [p.slotId, p.callSign]));
    expect(bySlot).toEqual({ 'patrol-1': 'P1', 'patrol-2': 'P2', 'special-1': 'SP1' });
    expect(r.totalEtaSec).toBe(360);
    expect(['lp', 'mip']).toContain(r.method);
    expect(r.picks[0]!.reason).toMatch(/road ETA 2 min 0 s/);
  });

  it('reports unfilled slots: no eligible unit vs eligible units all taken', async () => {
    const slots: RunCardSlot[] = [
      { id: 'a', label: 'Patrol unit', unitTypes: ['patrol_car'] },
      { id: 'b', label: 'Patrol unit', unitTypes: ['patrol_car'] },
      { id: 'c', label: 'Dog unit', skills: ['k9'] },
    ];
    const r = await assignRunCard(slots, [unit('P1', 'patrol_car', 100)]);
    expect(r.picks.map((p) => p.callSign)).toEqual(['P1']);
    expect(r.unfilled).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ slotId: 'c', why: 'no_eligible_unit' }),
        expect.objectContaining({ why: 'eligible_units_taken' }),
      ]),
    );
    expect(r.unfilled).toHaveLength(2);
    expect(r.picks[0]!.slotId).toBe('a'); // earlier slots on the card are filled first
    const prio = await assignRunCard(
      [
        { id: 'any', label: 'Any unit' },
        { id: 'car', label: 'Patrol car', unitTypes: ['patrol_car'] },
      ],
      [unit('P1', 'patrol_car', 100)],
    );
    expect(prio.picks.map((p) => p.slotId)).toEqual(['any']);
    expect(prio.unfilled).toEqual([expect.objectContaining({ slotId: 'car', why: 'eligible_units_taken' })]);
    const none = await assignRunCard(slots, []);
    expect(none.method).toBe('none');
    expect(none.unfilled.every((u) => u.why === 'no_eligible_unit')).toBe(true);
  });

  it('respects skills and equipment, and breaks ETA ties by duty hours', async () => {
    const slots: RunCardSlot[] = [{ id: 'a', label: 'Armed unit', skills: ['firearm'], equipment: ['vest'] }];
    const r = await assignRunCard(slots, [
      unit('A', 'patrol_car', 50, { skills: ['firearm'] }),
      unit('B', 'patrol_car', 300, { skills: ['firearm'], equipment: ['vest'], dutyHours: 9 }),
      unit('C', 'patrol_car', 300, { skills: ['firearm'], equipment: ['vest'], dutyHours: 2 }),
    ]);
    expect(r.picks.map((p) => p.callSign)).toEqual(['C']);
    expect(r.picks[0]!.reason).toContain('has firearm, vest');
  });

  it('is deterministic and independent of candidate order', async () => {
    const card = runCardFor('criminal.robbery');
    const cands = [
      unit('P1', 'patrol_car', 100),
      unit('P2', 'patrol_car', 100),
      unit('P3', 'patrol_car', 100),
      unit('S1', 'special', 100),
      unit('S2', 'special', 100),
    ];
    const first = await assignRunCard(card, cands);
    for (const order of [[...cands].reverse(), [cands[3]!, cands[0]!, cands[4]!, cands[2]!, cands[1]!]]) {
      const again = await assignRunCard(card, order);
      expect(again.picks).toEqual(first.picks);
    }
  });

  it('matches a brute-force optimum on small random instances', async () => {
    const types: UnitType[] = ['patrol_car', 'motorbike', 'foot', 'special'];
    const slotArb = fc.record({
      unitTypes: fc.subarray(types, { minLength: 0 }),
      skills: fc.subarray(['firearm', 'k9'], { minLength: 0 }),
    });
    const candArb = fc.record({
      unitType: fc.constantFrom(...types),
      etaSec: fc.integer({ min: 0, max: 3600 }),
      dutyHours: fc.option(fc.integer({ min: 0, max: 12 }), { nil: null }),
      skills: fc.subarray(['firearm', 'k9'], { minLength: 0 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(slotArb, { minLength: 1, maxLength: 4 }),
        fc.array(candArb, { minLength: 0, maxLength: 6 }),
        async (rawSlots, rawCands) => {
          const slots = rawSlots.map((s, i) => ({ id: `s${i}`, label: `Slot ${i}`, ...s }));
          const cands = rawCands.map((c, i) => ({
            unitId: `u${i}`,
            callSign: `C${String(i).padStart(2, '0')}`,
            equipment: [],
            ...c,
          }));
          const r = await assignRunCard(slots, cands);
          const viaMip = await assignRunCard(slots, cands, { skipLp: true });
          if (r.method !== 'none') expect(viaMip.method).toBe('mip');
          const best = bruteForce(slots, cands);
          expect(objective(slots, cands, r.picks)).toBeCloseTo(best, 4);
          expect(objective(slots, cands, viaMip.picks)).toBeCloseTo(best, 4);
          expect(new Set(r.picks.map((p) => p.unitId)).size).toBe(r.picks.length);
          for (const p of r.picks) {
            const slot = slots.find((s) => s.id === p.slotId)!;
            expect(
              ineligibility(
                slot,
                cands.find((c) => c.unitId === p.unitId)!,
              ),
            ).toBeNull();
          }
          expect(r.picks.length + r.unfilled.length).toBe(slots.length);
        },
      ),
      { numRuns: 60, seed: 4242 },
    );
  });

  it('rejects bad input', async () => {
    const slot: RunCardSlot = { id: 'a', label: 'Patrol unit' };
    const cases: [RunCardSlot[], RunCardCandidate[]][] = [
      [[slot, slot], []],
      [[slot], [unit('P1', 'patrol_car', 1), unit('P1', 'patrol_car', 2)]],
      [[slot], [unit('P1', 'patrol_car', -1)]],
      [[slot], [unit('P1', 'patrol_car', Number.NaN)]],
      [[slot], [unit('P1', 'patrol_car', 1, { dutyHours: -2 })]],
      [Array.from({ length: 11 }, (_, i) => ({ id: `s${i}`, label: 'x' })), []],
      [[slot], Array.from({ length: 101 }, (_, i) => unit(`P${i}`, 'patrol_car', 1))],
    ];
    for (const [slots, cands] of cases) {
      const err = await assignRunCard(slots, cands).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('VALIDATION_FAILED');
    }
  });

  it('solves a 10-slot × 100-candidate run card in-process quickly', async () => {
    const slots = Array.from({ length: 10 }, (_, i) => ({
      id: `s${i}`,
      label: 'Unit',
      unitTypes: (i % 3 === 0 ? ['special'] : ['patrol_car', 'motorbike', 'special']) as UnitType[],
    }));
    const types: UnitType[] = ['patrol_car', 'motorbike', 'foot', 'special'];
    const cands = Array.from({ length: 100 }, (_, i) =>
      unit(`U${String(i).padStart(3, '0')}`, types[(i * 7) % 4]!, ((i * 7919) % 2700) + 30, { dutyHours: i % 12 }),
    );
    const times: number[] = [];
    let r;
    for (let i = 0; i < 5; i++) {
      r = await assignRunCard(slots, cands);
      times.push(r.solveMs);
    }
    expect(r!.picks).toHaveLength(10);
    console.log(`run card 10×100 solve ms: ${times.join(', ')} (method ${r!.method})`);
    expect(Math.min(...times)).toBeLessThan(200);
  });
});
