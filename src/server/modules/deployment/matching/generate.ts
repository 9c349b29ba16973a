/**
 * Seeded synthetic instances for tests and the benchmark (not real data): regions (counties) on a 160 × 160 km
 * square, officers scattered around their region's centre with skill mixes, hours on duty and fairness ledgers;
 * demands at region centres with head-counts 5–30, 0–3 required skills and deadlines of 30–120 min. Road ETAs
 * are synthetic: straight-line distance × a road factor (1.2–1.6 per pair) at 60 km/h plus 3 min to set off,
 * and about 2% of pairs unreachable (Infinity).
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { MatchDemand, MatchInstance, MatchOfficer } from './model.ts';

/** The skill codes of the officers table. */
export const SKILL_CODES = [
  'e_forensics',
  'negotiation',
  'riot_control',
  'traffic',
  'drone',
  'first_aid',
  'foreign_language',
  'module_stability',
  'module_investigation',
  'module_tech_support',
  'module_public_order',
  'module_traffic',
  'module_community',
] as const;

/** How common each skill is among officers (probability), so some skills are scarce. */
const SKILL_RATE: Record<(typeof SKILL_CODES)[number], number> = {
  e_forensics: 0.04,
  negotiation: 0.05,
  riot_control: 0.15,
  traffic: 0.2,
  drone: 0.05,
  first_aid: 0.3,
  foreign_language: 0.06,
  module_stability: 0.2,
  module_investigation: 0.15,
  module_tech_support: 0.06,
  module_public_order: 0.2,
  module_traffic: 0.12,
  module_community: 0.2,
};

export interface GenerateOptions {
  seed: number;
  officers: number;
  demands: number;
  /** Number of regions (default: one per ~80 officers, 4–60). */
  regions?: number;
  /** Side of the square area in km (default 160; smaller = more officers within reach of each demand). */
  areaKm?: number;
  /** Share of unreachable pairs (default 0.02). */
  unreachable?: number;
}

/** A seeded random instance (see the file comment for the distributions). */
export function generateInstance(opts: GenerateOptions): MatchInstance {
  const gen = xoroshiro128plus(opts.seed | 0);
  const rnd = (): number => (gen.next() >>> 0) / 4294967296;
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const nR = opts.regions ?? Math.max(4, Math.min(60, Math.round(opts.officers / 80)));
  const side = opts.areaKm ?? 160;
  const spread = side / 16;
  const centres = Array.from({ length: nR }, () => [rnd() * side, rnd() * side] as const);
  const regionId = (r: number) => `r${r}`;

  const pos: [number, number][] = [];
  const officers: MatchOfficer[] = Array.from({ length: opts.officers }, (_, i) => {
    const r = int(0, nR - 1);
    const c = centres[r]!;
    pos.push([c[0] + normal() * spread, c[1] + normal() * spread]);
    return {
      id: `o${i}`,
      regionId: regionId(r),
      skills: SKILL_CODES.filter((s) => rnd() < SKILL_RATE[s]),
      dutyMinutesToday: int(0, 660),
      taskPoints: int(0, 200),
      recentDeployments: int(0, 6),
    };
  });

  const demandPos: [number, number][] = [];
  const demands: MatchDemand[] = Array.from({ length: opts.demands }, (_, j) => {
    const r = int(0, nR - 1);
    const c = centres[r]!;
    demandPos.push([c[0] + (normal() * spread) / 2, c[1] + (normal() * spread) / 2]);
    const headcount = int(5, 30);
    const nSkills = int(0, 3);
    const picked = new Set<string>();
    while (picked.size < nSkills) picked.add(SKILL_CODES[int(0, SKILL_CODES.length - 1)]!);
    return {
      id: `d${j}`,
      regionId: regionId(r),
      level: int(1, 4) as 1 | 2 | 3 | 4,
      headcount,
      skills: [...picked].map((skill) => ({ skill, count: int(1, Math.max(1, Math.floor(headcount / 4))) })),
      deadlineSec: int(30, 120) * 60,
      expectedDurationMin: int(60, 360),
    };
  });

  const nD = opts.demands;
  const eta = new Float64Array(opts.officers * nD);
  const unreachable = opts.unreachable ?? 0.02;
  for (let i = 0; i < opts.officers; i++) {
    const [x, y] = pos[i]!;
    for (let j = 0; j < nD; j++) {
      const [dx, dy] = demandPos[j]!;
      const km = Math.hypot(x - dx, y - dy) * (1.2 + rnd() * 0.4);
      eta[i * nD + j] = rnd() < unreachable ? Infinity : Math.round(180 + (km / 60) * 3600);
    }
  }

  const regions: Record<string, { available: number; minCover: number }> = {};
  for (let r = 0; r < nR; r++) {
    const available = officers.filter((o) => o.regionId === regionId(r)).length;
    regions[regionId(r)] = { available, minCover: Math.round(available * (0.2 + rnd() * 0.3)) };
  }
  return { officers, demands, eta, regions };
}
