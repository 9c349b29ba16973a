/**
 * Pure nearest-unit baseline (what a dispatcher does by phone): demands in order of deadline; each demand takes
 * the nearest free officers one by one (by road ETA only: no skill scarcity across demands, no fairness), every
 * officer taking the first open slot of that demand they qualify for (a required skill they have, else a general
 * slot) and being skipped if none is open; hard limits (deadline, duty cap, region cover, removals, head-count
 * and cover overrides) still apply; planner pins are ignored (a baseline, not a planning tool).
 */
import type { MatchInstance, MatchPlan } from './model.ts';
import { buildPlan, isLent, pairBlock, prepare, type Pick, type Prepared } from './slots.ts';

/** Nearest-unit picks on a prepared instance. */
export function nearestPicks(p: Prepared): Pick[] {
  const used = new Uint8Array(p.nO);
  const filled = new Array<number>(p.groups.length).fill(0);
  const lent = new Array<number>(p.regionIds.length).fill(0);
  const picks: Pick[] = [];
  const demands = p.instance.demands
    .map((_, j) => j)
    .sort((a, b) => p.instance.demands[a]!.deadlineSec - p.instance.demands[b]!.deadlineSec || a - b);
  for (const j of demands) {
    const groups = [...p.groupsByDemand[j]!].sort(
      (a, b) => Number(p.groups[a]!.skill === null) - Number(p.groups[b]!.skill === null),
    );
    let open = groups.reduce((n, g) => n + p.groups[g]!.capacity, 0);
    const byEta = [...p.candidates[j]!].sort(
      (a, b) => p.instance.eta[a * p.nD + j]! - p.instance.eta[b * p.nD + j]! || a - b,
    );
    for (const i of byEta) {
      if (open === 0) break;
      if (used[i] || pairBlock(p, i, j) !== null) continue;
      const r = p.officerRegion[i]!;
      if (isLent(p, i, j) && lent[r]! >= p.regionCap[r]!) continue;
      const g = groups.find(
        (g) =>
          filled[g]! < p.groups[g]!.capacity && (p.groups[g]!.skill === null || p.skills[i]!.has(p.groups[g]!.skill!)),
      );
      if (g === undefined) continue;
      used[i] = 1;
      filled[g]!++;
      open--;
      if (isLent(p, i, j)) lent[r]!++;
      picks.push({ officer: i, group: g });
    }
  }
  return picks;
}

/** The nearest-unit plan. */
export function nearestPlan(instance: MatchInstance): MatchPlan {
  const t = performance.now();
  const p = prepare(instance);
  const picks = nearestPicks(p);
  return buildPlan(p, picks, { method: 'nearest', gap: 0, solveMs: performance.now() - t });
}
