import { describe, expect, it } from 'vitest';
import { generateInstance, solvePlanInProcess, verifyPlan, type MatchInstance } from './index.ts';

const base = (): MatchInstance => generateInstance({ seed: 42, officers: 150, demands: 6, regions: 4, areaKm: 40 });

describe('what-if adjustments', () => {
  it('a pinned officer is in the plan at that demand; a removed one is not used at all', async () => {
    const instance = base();
    const plan = await solvePlanInProcess(instance);
    const used = plan.assignments[0]!;
    // Pin an unused officer who is eligible for the first demand with a general slot.
    const demand = instance.demands.find((d) => d.headcount > d.skills.reduce((n, s) => n + s.count, 0))!;
    const j = instance.demands.indexOf(demand);
    const usedIds = new Set(plan.assignments.map((a) => a.officerId));
    const free = instance.officers.find(
      (o, i) =>
        !usedIds.has(o.id) &&
        instance.eta[i * instance.demands.length + j]! <= demand.deadlineSec &&
        o.dutyMinutesToday + instance.eta[i * instance.demands.length + j]! / 60 + demand.expectedDurationMin <= 720 &&
        o.regionId === demand.regionId,
    )!;
    expect(free).toBeDefined();
    const adjusted = {
      ...instance,
      adjustments: { pins: [{ officerId: free.id, demandId: demand.id }], remove: [used.officerId] },
    };
    const whatIf = await solvePlanInProcess(adjusted);
    expect(whatIf.assignments).toContainEqual(expect.objectContaining({ officerId: free.id, demandId: demand.id }));
    expect(whatIf.assignments.map((a) => a.officerId)).not.toContain(used.officerId);
    expect(whatIf.assignments.find((a) => a.officerId === free.id)!.reason).toMatch(/^pinned by the planner/);
    expect(whatIf.rejectedPins).toEqual([]);
    expect(verifyPlan(adjusted, whatIf)).toEqual([]);
    // Verify catches a plan that uses the removed officer.
    expect(verifyPlan(adjusted, plan).map((v) => v.kind)).toContain('removed');
  });

  it('infeasible pins are reported with why, and the rest of the plan is still made', async () => {
    const instance = base();
    const nD = instance.demands.length;
    const d0 = instance.demands[0]!;
    const late = instance.officers.findIndex((_, i) => instance.eta[i * nD]! > d0.deadlineSec);
    const tired = { ...instance.officers[0]!, id: 'tired', dutyMinutesToday: 715 };
    const officers = [...instance.officers, tired];
    const eta = new Float64Array(officers.length * nD);
    eta.set(instance.eta);
    eta.fill(600, instance.officers.length * nD);
    const adjusted: MatchInstance = {
      ...instance,
      officers,
      eta,
      adjustments: {
        pins: [
          { officerId: 'nobody', demandId: d0.id },
          { officerId: instance.officers[late]!.id, demandId: d0.id },
          { officerId: 'tired', demandId: d0.id },
          { officerId: instance.officers[1]!.id, demandId: 'no-such-demand' },
        ],
      },
    };
    const plan = await solvePlanInProcess(adjusted);
    const why = Object.fromEntries(plan.rejectedPins!.map((r) => [r.officerId, r.why]));
    expect(why.nobody).toMatch(/unknown/);
    expect(why[instance.officers[late]!.id]).toMatch(/after the \d+-min deadline|no road route/);
    expect(why.tired).toMatch(/12-hour duty cap/);
    expect(why[instance.officers[1]!.id]).toMatch(/unknown demand/);
    expect(plan.assignments.length).toBeGreaterThan(0);
    expect(verifyPlan(adjusted, plan)).toEqual([]);
  });

  it('a pin beyond the region lending limit is rejected', async () => {
    const instance: MatchInstance = {
      officers: ['a', 'b'].map((id) => ({
        id,
        regionId: 'A',
        skills: [],
        dutyMinutesToday: 0,
        taskPoints: 0,
        recentDeployments: 0,
      })),
      demands: [
        { id: 'D', regionId: 'B', level: 2, headcount: 2, skills: [], deadlineSec: 3600, expectedDurationMin: 60 },
      ],
      eta: Float64Array.from([600, 700]),
      regions: { A: { available: 2, minCover: 1 }, B: { available: 0, minCover: 0 } },
      adjustments: {
        pins: [
          { officerId: 'a', demandId: 'D' },
          { officerId: 'b', demandId: 'D' },
        ],
      },
    };
    const plan = await solvePlanInProcess(instance);
    expect(plan.assignments.map((a) => a.officerId)).toEqual(['a']);
    expect(plan.rejectedPins).toEqual([
      { officerId: 'b', demandId: 'D', why: expect.stringMatching(/region A cover/) },
    ]);
    expect(plan.shortfalls).toEqual([
      expect.objectContaining({ demandId: 'D', missing: 1, why: expect.stringMatching(/minimum cover/) }),
    ]);
    expect(plan.cover.A).toEqual({ available: 2, lent: 1, left: 1, minCover: 1 });
  });

  it('a raised head-count adds slots; a tightened cover lends fewer officers', async () => {
    const instance = base();
    const plan = await solvePlanInProcess(instance);
    const d = instance.demands[0]!;
    const before = plan.assignments.filter((a) => a.demandId === d.id).length;
    const more = await solvePlanInProcess({ ...instance, adjustments: { headcount: { [d.id]: d.headcount + 5 } } });
    const after = more.assignments.filter((a) => a.demandId === d.id).length;
    const missing = more.shortfalls.filter((s) => s.demandId === d.id).reduce((n, s) => n + s.missing, 0);
    expect(after + missing).toBe(d.headcount + 5);
    expect(after).toBeGreaterThanOrEqual(before);

    const region = Object.entries(plan.cover).sort((a, b) => b[1].lent - a[1].lent)[0]!;
    expect(region[1].lent).toBeGreaterThan(0);
    const cover = { [region[0]]: region[1].available - (region[1].lent - 1) };
    const tighter = { ...instance, adjustments: { cover } };
    const tight = await solvePlanInProcess(tighter);
    expect(tight.cover[region[0]]!.lent).toBeLessThanOrEqual(region[1].lent - 1);
    expect(tight.cover[region[0]]!.minCover).toBe(cover[region[0]]);
    expect(verifyPlan(tighter, tight)).toEqual([]);
    // The original plan now breaks the tightened cover, and verify says so.
    expect(verifyPlan(tighter, plan).map((v) => v.kind)).toContain('cover');
  });

  it('verify reports duplicates, missing skills, deadlines and hours', () => {
    const instance = base();
    const nD = instance.demands.length;
    const d = instance.demands.find((x) => x.skills.length > 0)!;
    const j = instance.demands.indexOf(d);
    const i = instance.officers.findIndex((o) => !o.skills.includes(d.skills[0]!.skill));
    const o = instance.officers[i]!;
    const eta = instance.eta[i * nD + j]!;
    const a = { officerId: o.id, demandId: d.id, slot: d.skills[0]!.skill, etaSec: eta, reason: '' };
    const tiredInstance = {
      ...instance,
      officers: instance.officers.map((x) => (x.id === o.id ? { ...x, dutyMinutesToday: 719 } : x)),
      demands: instance.demands.map((x) => (x.id === d.id ? { ...x, deadlineSec: Math.min(eta - 1, 60) } : x)),
    };
    const kinds = verifyPlan(tiredInstance, { assignments: [a, a] }).map((v) => v.kind);
    expect(kinds).toEqual(expect.arrayContaining(['duplicate', 'skill', 'deadline', 'hours']));
    expect(verifyPlan(instance, { assignments: [{ ...a, officerId: 'ghost' }] })[0]!.kind).toBe('unknown');
  });
});
