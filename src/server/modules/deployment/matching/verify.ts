/**
 * Checks any plan against every hard constraint of its instance, independently of how it was made (written
 * from model.ts, not from the matchers' shared code, so a bug there does not hide itself here): officers and
 * demands exist, no officer is used twice or after being removed, every skill slot is filled by an officer with
 * that skill, no slot kind is over-filled (skills by count, general by headcount − Σ counts), arrival by the
 * deadline, the duty cap including travel and expected duration, regional minimum cover, and the reported ETA
 * equals the instance's.
 */
import type { MatchInstance, MatchPlan } from './model.ts';

export interface Violation {
  kind: 'unknown' | 'duplicate' | 'removed' | 'skill' | 'overfill' | 'deadline' | 'hours' | 'cover' | 'eta';
  officerId?: string;
  demandId?: string;
  message: string;
}

/** All hard-constraint violations of `plan` on `instance` (empty when the plan is feasible). */
export function verifyPlan(instance: MatchInstance, plan: Pick<MatchPlan, 'assignments'>): Violation[] {
  const out: Violation[] = [];
  const adj = instance.adjustments ?? {};
  const nD = instance.demands.length;
  const officers = new Map(instance.officers.map((o, i) => [o.id, { o, i }]));
  const demands = new Map(instance.demands.map((d, j) => [d.id, { d, j }]));
  const removed = new Set(adj.remove ?? []);
  const cap = instance.dutyCapMin ?? 720;
  const seen = new Set<string>();
  const perSlot = new Map<string, number>();
  const lent = new Map<string, number>();

  for (const a of plan.assignments) {
    const of = officers.get(a.officerId);
    const dm = demands.get(a.demandId);
    if (!of || !dm) {
      out.push({ kind: 'unknown', officerId: a.officerId, demandId: a.demandId, message: 'unknown officer or demand' });
      continue;
    }
    const { o, i } = of;
    const { d, j } = dm;
    const v = (kind: Violation['kind'], message: string) =>
      out.push({ kind, officerId: o.id, demandId: d.id, message });
    if (seen.has(o.id)) v('duplicate', 'officer assigned more than once');
    seen.add(o.id);
    if (removed.has(o.id)) v('removed', 'officer was removed by the planner');
    if (a.slot !== 'general') {
      if (!d.skills.some((s) => s.skill === a.slot && s.count > 0)) v('skill', `demand does not require ${a.slot}`);
      if (!o.skills.includes(a.slot)) v('skill', `officer lacks ${a.slot}`);
    }
    const key = `${d.id}\u0000${a.slot}`;
    perSlot.set(key, (perSlot.get(key) ?? 0) + 1);
    const eta = instance.eta[i * nD + j]!;
    if (a.etaSec !== eta) v('eta', `reported ETA ${a.etaSec} s differs from the instance's ${eta} s`);
    if (!(eta <= d.deadlineSec)) v('deadline', `ETA ${eta} s is after the deadline ${d.deadlineSec} s`);
    if (!(o.dutyMinutesToday + eta / 60 + d.expectedDurationMin <= cap + 1e-9))
      v('hours', `duty ${o.dutyMinutesToday} + travel ${eta / 60} + task ${d.expectedDurationMin} min > ${cap} min`);
    if (o.regionId !== d.regionId) lent.set(o.regionId, (lent.get(o.regionId) ?? 0) + 1);
  }

  for (const d of instance.demands) {
    const headcount = Math.max(0, Math.floor(adj.headcount?.[d.id] ?? d.headcount));
    const skills = new Map<string, number>();
    for (const s of d.skills) skills.set(s.skill, (skills.get(s.skill) ?? 0) + s.count);
    const skilled = [...skills.values()].reduce((a, b) => a + b, 0);
    for (const [skill, count] of [...skills, ['general', Math.max(0, headcount - skilled)] as const]) {
      const n = perSlot.get(`${d.id}\u0000${skill}`) ?? 0;
      if (n > count)
        out.push({ kind: 'overfill', demandId: d.id, message: `${n} officers in ${count} ${skill} slot(s)` });
    }
  }

  const heads = new Map<string, number>();
  for (const o of instance.officers) heads.set(o.regionId, (heads.get(o.regionId) ?? 0) + 1);
  for (const [r, n] of lent) {
    const available = instance.regions[r]?.available ?? heads.get(r) ?? 0;
    const minCover = adj.cover?.[r] ?? instance.regions[r]?.minCover ?? 0;
    if (n > Math.max(0, available - minCover))
      out.push({ kind: 'cover', message: `region ${r} lends ${n} of ${available} with minimum cover ${minCover}` });
  }
  return out;
}
