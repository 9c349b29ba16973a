import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  generateInstance,
  greedyPlan,
  MatchInputError,
  nearestPlan,
  solvePlanInProcess,
  verifyPlan,
  type MatchInstance,
  type MatchPlan,
} from './index.ts';
import { loadHighs, solveWithHighs, type SolveStats } from './solver.ts';

const unmet = (plan: MatchPlan, kind: 'skill' | 'general') =>
  plan.shortfalls.filter((s) => (s.slot === 'general') === (kind === 'general')).reduce((n, s) => n + s.missing, 0);

const small = (seed: number, officers = 80, demands = 5): MatchInstance =>
  generateInstance({ seed, officers, demands, regions: 4, areaKm: 40 });

/** Builds an instance from rows of ETAs in minutes (officer × demand; null = unreachable). */
function handMade(
  officers: { id: string; region: string; skills?: string[]; duty?: number; points?: number }[],
  demands: {
    id: string;
    region: string;
    headcount: number;
    skills?: { skill: string; count: number }[];
    deadlineMin: number;
  }[],
  etaMin: (number | null)[][],
  regions: Record<string, { available: number; minCover: number }>,
): MatchInstance {
  return {
    officers: officers.map((o) => ({
      id: o.id,
      regionId: o.region,
      skills: o.skills ?? [],
      dutyMinutesToday: o.duty ?? 0,
      taskPoints: o.points ?? 0,
      recentDeployments: 0,
    })),
    demands: demands.map((d) => ({
      id: d.id,
      regionId: d.region,
      level: 3,
      headcount: d.headcount,
      skills: d.skills ?? [],
      deadlineSec: d.deadlineMin * 60,
      expectedDurationMin: 120,
    })),
    eta: Float64Array.from(etaMin.flat(), (m) => (m === null ? Infinity : m * 60)),
    regions,
  };
}

/**
 * Slots D1 (from P or Q), D2 (from Q or S), D3 (only S); P and S are in R1, which may lend one officer.
 * The LP fills 2.5 slots with every pair at 1/2 (an odd cycle through R1's cover row); an integer plan fills 2.
 */
function fractional(): MatchInstance {
  return handMade(
    [
      { id: 'P', region: 'R1' },
      { id: 'Q', region: 'X' },
      { id: 'S', region: 'R1' },
    ],
    [
      { id: 'D1', region: 'X', headcount: 1, deadlineMin: 60 },
      { id: 'D2', region: 'R1', headcount: 1, deadlineMin: 60 },
      { id: 'D3', region: 'Y', headcount: 1, deadlineMin: 60 },
    ],
    [
      [10, null, null],
      [10, 10, null],
      [null, 10, 10],
    ],
    { R1: { available: 2, minCover: 1 }, X: { available: 1, minCover: 0 }, Y: { available: 0, minCover: 0 } },
  );
}

describe('deployment solver on generated instances', () => {
  it('every plan passes verify(), is never worse than greedy or nearest, and leaves no more unmet skill slots', async () => {
    const h = await loadHighs();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 20, max: 150 }),
        fc.integer({ min: 1, max: 8 }),
        async (seed, officers, demands) => {
          const instance = small(seed, officers, demands);
          const plan = solveWithHighs(h, instance);
          expect(verifyPlan(instance, plan)).toEqual([]);
          const greedy = greedyPlan(instance);
          const nearest = nearestPlan(instance);
          expect(verifyPlan(instance, greedy)).toEqual([]);
          expect(verifyPlan(instance, nearest)).toEqual([]);
          expect(plan.objective).toBeLessThanOrEqual(greedy.objective + 1e-6);
          expect(plan.objective).toBeLessThanOrEqual(nearest.objective + 1e-6);
          expect(unmet(plan, 'skill')).toBeLessThanOrEqual(unmet(greedy, 'skill'));
          expect(['lp', 'mip']).toContain(plan.method);
        },
      ),
      { numRuns: Number(process.env.JW_MATCH_RUNS ?? 40), seed: 20261123 },
    );
  });

  it('with random what-if adjustments, plans stay feasible and every pin is honoured or reported', async () => {
    const h = await loadHighs();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }),
        fc.nat(),
        fc.integer({ min: 0, max: 40 }),
        async (seed, removals, pins, coverRegion, cover) => {
          const base = small(seed, 60, 4);
          const id = (k: number) => base.officers[k % base.officers.length]!.id;
          const region = Object.keys(base.regions)[coverRegion % Object.keys(base.regions).length]!;
          const instance: MatchInstance = {
            ...base,
            adjustments: {
              remove: removals.map(id),
              pins: pins.map(([o, d]) => ({ officerId: id(o), demandId: base.demands[d % base.demands.length]!.id })),
              cover: { [region]: cover },
              headcount: { [base.demands[0]!.id]: base.demands[0]!.headcount + 2 },
            },
          };
          const plan = solveWithHighs(h, instance);
          expect(verifyPlan(instance, plan)).toEqual([]);
          const at = new Map(plan.assignments.map((a) => [a.officerId, a.demandId]));
          for (const r of removals) expect(at.has(id(r))).toBe(false);
          const rejected = new Set(plan.rejectedPins!.map((r) => `${r.officerId}>${r.demandId}`));
          for (const pin of instance.adjustments!.pins!)
            expect(at.get(pin.officerId) === pin.demandId || rejected.has(`${pin.officerId}>${pin.demandId}`)).toBe(
              true,
            );
          expect(plan.cover[region]!.minCover).toBe(cover);
        },
      ),
      { numRuns: Number(process.env.JW_MATCH_RUNS ?? 30), seed: 5 },
    );
  });

  it('candidate pruning with pricing reaches the same objective as the full model', async () => {
    const h = await loadHighs();
    const effect: { pruned: number; full: number }[] = [];
    for (const seed of [1, 2, 3, 4, 5]) {
      const instance = generateInstance({ seed, officers: 400, demands: 12, regions: 6, areaKm: 80 });
      const pruned: Partial<SolveStats> = {};
      const full: Partial<SolveStats> = {};
      const a = solveWithHighs(h, instance, { candidateFactor: 1, minCandidates: 1 }, pruned);
      const b = solveWithHighs(h, instance, { candidateFactor: Infinity }, full);
      expect(a.objective).toBeCloseTo(b.objective, 6);
      expect(pruned.lpColumns).toBeLessThan(full.lpColumns!);
      effect.push({ pruned: pruned.lpColumns!, full: full.lpColumns! });
    }
    // Aggressive pruning (one candidate per slot) needs pricing rounds but loses nothing.
    expect(effect.every((e) => e.pruned < e.full)).toBe(true);
  });

  it('explains each pick, each shortfall and nearer officers passed over', async () => {
    const instance = small(7, 120, 6);
    const plan = await solvePlanInProcess(instance);
    expect(plan.assignments.length).toBeGreaterThan(0);
    for (const a of plan.assignments) expect(a.reason).toMatch(/ETA \d+ min, -?\d+ min before the \d+-min deadline/);
    const tight = { ...instance, demands: instance.demands.map((d) => ({ ...d, headcount: 200 })) };
    const short = await solvePlanInProcess(tight);
    expect(short.shortfalls.length).toBeGreaterThan(0);
    for (const s of short.shortfalls) expect(s.why.length).toBeGreaterThan(10);
  });
});

describe('deployment solver on hand-made instances', () => {
  it('beats greedy where the nearest choice for one demand is the only officer for another', async () => {
    // X can reach both; Y only D1 in time. D1 has the earlier deadline, so greedy gives X to D1 and D2 goes empty.
    const instance = handMade(
      [
        { id: 'X', region: 'A' },
        { id: 'Y', region: 'A' },
      ],
      [
        { id: 'D1', region: 'A', headcount: 1, deadlineMin: 30 },
        { id: 'D2', region: 'A', headcount: 1, deadlineMin: 60 },
      ],
      [
        [5, 6],
        [10, 90],
      ],
      { A: { available: 2, minCover: 0 } },
    );
    const greedy = greedyPlan(instance);
    expect(greedy.shortfalls).toEqual([expect.objectContaining({ demandId: 'D2', slot: 'general', missing: 1 })]);
    expect(greedy.shortfalls[0]!.why).toMatch(/1 of 1 eligible officers fill other slots/);
    const plan = await solvePlanInProcess(instance);
    expect(plan.shortfalls).toEqual([]);
    expect(plan.assignments.map((a) => `${a.officerId}>${a.demandId}`).sort()).toEqual(['X>D2', 'Y>D1']);
    expect(plan.objective).toBeLessThan(greedy.objective);
    // X is nearer to D1 than Y but was passed over: the plan says why.
    expect(plan.passedOver).toContainEqual({
      officerId: 'X',
      demandId: 'D1',
      why: expect.stringContaining('assigned to demand D2'),
    });
  });

  it('fills a scarce skill slot before a general one and says which skill is missing', async () => {
    const instance = handMade(
      [
        { id: 'N', region: 'A', skills: ['negotiation'] },
        { id: 'G', region: 'A' },
      ],
      [
        { id: 'D1', region: 'A', headcount: 1, deadlineMin: 30 },
        { id: 'D2', region: 'A', headcount: 1, skills: [{ skill: 'negotiation', count: 1 }], deadlineMin: 60 },
        { id: 'D3', region: 'A', headcount: 1, skills: [{ skill: 'drone', count: 1 }], deadlineMin: 60 },
      ],
      [
        [1, 20, 5],
        [25, 20, 5],
      ],
      { A: { available: 2, minCover: 0 } },
    );
    const plan = await solvePlanInProcess(instance);
    expect(plan.assignments).toContainEqual(
      expect.objectContaining({ officerId: 'N', demandId: 'D2', slot: 'negotiation' }),
    );
    expect(plan.assignments).toContainEqual(
      expect.objectContaining({ officerId: 'G', demandId: 'D1', slot: 'general' }),
    );
    expect(plan.shortfalls).toEqual([
      { demandId: 'D3', slot: 'drone', missing: 1, why: 'no officer in the pool has drone' },
    ]);
  });

  it('says why a slot stays empty: too far, over hours', async () => {
    const instance = handMade(
      [
        { id: 'far', region: 'A', skills: ['drone'] },
        { id: 'tired', region: 'A', skills: ['negotiation'], duty: 650 },
      ],
      [
        { id: 'D1', region: 'A', headcount: 1, skills: [{ skill: 'drone', count: 1 }], deadlineMin: 30 },
        { id: 'D2', region: 'A', headcount: 1, skills: [{ skill: 'negotiation', count: 1 }], deadlineMin: 30 },
      ],
      [
        [45, 45],
        [10, 10],
      ],
      { A: { available: 2, minCover: 0 } },
    );
    const plan = await solvePlanInProcess(instance);
    expect(plan.assignments).toEqual([]);
    const why = Object.fromEntries(plan.shortfalls.map((s) => [s.slot, s.why]));
    expect(why.drone).toBe(
      'none of the 1 officers with drone arrives before the 30-min deadline (too far or unreachable)',
    );
    expect(why.negotiation).toMatch(
      /none of the 1 officers with negotiation is eligible: 1 would exceed the 12-hour duty cap/,
    );
    expect(plan.passedOver).toEqual([]);
  });

  it('solves the MIP when the relaxation is fractional (an odd cycle through a region cover row)', async () => {
    const instance = fractional();
    const h = await loadHighs();
    const stats: Partial<SolveStats> = {};
    const plan = solveWithHighs(h, instance, {}, stats);
    expect(stats.lpIntegral).toBe(false);
    expect(stats.lpObjective).toBeCloseTo(0.5 * 1e4 + 5 * 0.5 * 10, 6);
    expect(plan.method).toBe('mip');
    expect(plan.gap).toBeLessThanOrEqual(1e-6);
    expect(plan.assignments).toHaveLength(2);
    expect(unmet(plan, 'general')).toBe(1);
    expect(verifyPlan(instance, plan)).toEqual([]);
    expect(plan.cover.R1).toEqual({ available: 2, lent: 1, left: 1, minCover: 1 });
  });

  it('a MIP stopped by its time limit still returns a feasible plan no worse than greedy', async () => {
    const h = await loadHighs();
    const instance = fractional();
    const plan = solveWithHighs(h, instance, { mipTimeLimitSec: 0 });
    expect(['mip', 'greedy']).toContain(plan.method);
    expect(verifyPlan(instance, plan)).toEqual([]);
    expect(plan.objective).toBeLessThanOrEqual(greedyPlan(instance).objective);
    expect(plan.assignments).toHaveLength(2);
  });

  it('the MIP path (forced) agrees with an integral LP', async () => {
    const h = await loadHighs();
    const instance = small(11, 100, 5);
    const lp = solveWithHighs(h, instance);
    const mip = solveWithHighs(h, instance, { forceMip: true });
    expect(lp.method).toBe('lp');
    expect(mip.method).toBe('mip');
    expect(mip.objective).toBeCloseTo(lp.objective, 6);
    expect(verifyPlan(instance, mip)).toEqual([]);
  });

  it('rejects malformed instances', async () => {
    const instance = small(3, 10, 2);
    await expect(solvePlanInProcess({ ...instance, eta: new Float64Array(3) })).rejects.toThrow(/eta has 3 entries/);
    const dup = {
      ...instance,
      officers: [instance.officers[0]!, instance.officers[0]!, ...instance.officers.slice(2)],
    };
    await expect(solvePlanInProcess(dup)).rejects.toThrow(/unique/);
    const late = { ...instance, demands: [{ ...instance.demands[0]!, deadlineSec: NaN }, instance.demands[1]!] };
    await expect(solvePlanInProcess(late)).rejects.toBeInstanceOf(MatchInputError);
  });
});
