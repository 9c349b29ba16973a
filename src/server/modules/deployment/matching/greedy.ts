/**
 * Skill-aware greedy baseline (and the MIP's starting solution): pins first; then skill slots in order of
 * scarcity (eligible officers per slot, fewest first; earlier deadline on ties), then general slots by deadline;
 * each slot takes the cheapest free eligible officer (travel minutes + fairness), within each region's lending
 * limit. Fast and usually good, but not optimal: it never undoes an early choice that a later slot needed.
 */
import type { MatchInstance, MatchPlan } from './model.ts';
import { buildPlan, groupEligible, isLent, prepare, type Pick, type Prepared } from './slots.ts';

/**
 * Greedy picks on a prepared instance. `first` (e.g. the LP solution's largest values, for rounding) are tried
 * right after the pins, in order, each kept only if it still fits; the greedy then completes the plan.
 */
export function greedyPicks(p: Prepared, first: readonly Pick[] = []): Pick[] {
  const used = new Uint8Array(p.nO);
  const filled = new Array<number>(p.groups.length).fill(0);
  const lent = new Array<number>(p.regionIds.length).fill(0);
  const picks: Pick[] = [];
  const canLend = (i: number, j: number): boolean =>
    !isLent(p, i, j) || lent[p.officerRegion[i]!]! < p.regionCap[p.officerRegion[i]!]!;
  const take = (i: number, g: number): void => {
    used[i] = 1;
    filled[g]!++;
    const j = p.groups[g]!.demand;
    if (isLent(p, i, j)) lent[p.officerRegion[i]!]!++;
    picks.push({ officer: i, group: g });
  };

  for (const [i, j] of p.pinned) {
    if (!canLend(i, j)) continue;
    const ordered = [...p.groupsByDemand[j]!].sort(
      (a, b) => Number(p.groups[a]!.skill === null) - Number(p.groups[b]!.skill === null),
    );
    const g = ordered.find((g) => filled[g]! < p.groups[g]!.capacity && groupEligible(p, i, p.groups[g]!));
    if (g !== undefined) take(i, g);
  }

  for (const k of first) {
    const g = p.groups[k.group]!;
    if (
      !used[k.officer] &&
      filled[k.group]! < g.capacity &&
      groupEligible(p, k.officer, g) &&
      canLend(k.officer, g.demand)
    )
      take(k.officer, k.group);
  }

  const scarcity = p.groups.map((g) => {
    if (g.skill === null || g.capacity === 0) return Infinity;
    let n = 0;
    for (const i of p.candidates[g.demand]!) if (p.skills[i]!.has(g.skill)) n++;
    return n / g.capacity;
  });
  const deadline = (g: number) => p.instance.demands[p.groups[g]!.demand]!.deadlineSec;
  const order = p.groups
    .filter((g) => g.capacity > 0)
    .map((g) => g.index)
    .sort((a, b) => {
      const sa = p.groups[a]!.skill === null ? 1 : 0;
      const sb = p.groups[b]!.skill === null ? 1 : 0;
      return sa - sb || scarcity[a]! - scarcity[b]! || deadline(a) - deadline(b) || a - b;
    });
  for (const g of order) {
    const group = p.groups[g]!;
    if (filled[g]! >= group.capacity) continue;
    for (const i of p.candidates[group.demand]!) {
      if (used[i] || (group.skill !== null && !p.skills[i]!.has(group.skill)) || !canLend(i, group.demand)) continue;
      take(i, g);
      if (filled[g]! >= group.capacity) break;
    }
  }
  return picks;
}

/** The skill-aware greedy plan. */
export function greedyPlan(instance: MatchInstance): MatchPlan {
  const t = performance.now();
  const p = prepare(instance);
  const picks = greedyPicks(p);
  return buildPlan(p, picks, { method: 'greedy', gap: 0, solveMs: performance.now() - t });
}
