/**
 * Fills a multi-unit run card as a small optimal assignment. Binary x[slot, unit] for every eligible pair and an
 * "unfilled" variable y[slot] per slot: each slot is filled by exactly one eligible unit or left unfilled at a
 * large penalty, each unit fills at most one slot; minimise the total road ETA with a small tie-break on crew
 * duty hours (a fresher crew first) and then on call sign. The LP relaxation is solved first with HiGHS (the
 * constraint matrix of an assignment is totally unimodular, so a vertex solution is integral) and checked; if a
 * solution is fractional anyway, the MIP is solved with presolve off. Greedy nearest-first is not optimal: the
 * nearest unit may be the only one able to fill another slot.
 *
 * One HiGHS WebAssembly instance per process, loaded lazily and warmed once (warmRunCardSolver). Run cards are
 * tiny (≤ MAX_SLOTS × ≤ MAX_CANDIDATES), so the solve runs in-process; a worker thread is the home for large
 * models (TIPS).
 */
import highsModule, { type Highs } from 'highs';
import { AppError } from '../../errors.ts';
import type { RunCardSlot } from './runcard.ts';

export const MAX_SLOTS = 10;
export const MAX_CANDIDATES = 100;
/** Cost of leaving a slot unfilled: above any sum of feasible ETAs and slot-priority terms. */
export const UNFILLED_PENALTY = 1e8;
/** Extra cost per rank of slot priority (earlier slots on the card first): above any sum of ETAs (10 × a day). */
export const SLOT_PRIORITY_STEP = 1e6;
/** Seconds of ETA a crew's duty hour is worth in the objective (a tie-break, not a trade-off). */
export const DUTY_HOUR_WEIGHT = 0.01;
/** Seconds per rank of call sign order (the final tie-break, keeps results deterministic). */
export const ORDER_WEIGHT = 1e-5;

export interface RunCardCandidate {
  unitId: string;
  callSign: string;
  unitType: string;
  /** Road ETA to the scene in seconds. */
  etaSec: number;
  dutyHours: number | null;
  skills: readonly string[];
  equipment: readonly string[];
}

export interface RunCardPick {
  slotId: string;
  unitId: string;
  callSign: string;
  etaSec: number;
  reason: string;
}

export interface RunCardUnfilled {
  slotId: string;
  why: 'no_eligible_unit' | 'eligible_units_taken';
  detail: string;
}

export interface RunCardAssignment {
  picks: RunCardPick[];
  unfilled: RunCardUnfilled[];
  /** 'lp' when the relaxation was integral, 'mip' after the fallback, 'none' when no slot had an eligible unit. */
  method: 'lp' | 'mip' | 'none';
  /** Total ETA of the picks (seconds). */
  totalEtaSec: number;
  solveMs: number;
}

// The package's types describe a CommonJS module; under ESM the default import is the loader itself.
const highsLoader = highsModule as unknown as () => Promise<Highs>;
let highs: Promise<Highs> | undefined;

/** The process' HiGHS instance (loaded on first use). */
function solver(): Promise<Highs> {
  highs ??= highsLoader().catch((e: unknown) => {
    highs = undefined; // a failed load is retried on the next run card rather than cached
    throw e;
  });
  return highs;
}

/** Loads HiGHS and runs one tiny solve, so the first real run card does not pay the start-up. */
export async function warmRunCardSolver(): Promise<void> {
  const h = await solver();
  h.solve('Minimize\n obj: x\nSubject To\n c: x >= 1\nBounds\n 0 <= x <= 2\nEnd\n', { output_flag: false });
}

/** Why a candidate cannot fill a slot, or null when it can. */
export function ineligibility(slot: RunCardSlot, c: RunCardCandidate): string | null {
  if (slot.unitTypes?.length && !slot.unitTypes.includes(c.unitType as never)) return `type ${c.unitType}`;
  const skills = (slot.skills ?? []).filter((s) => !c.skills.includes(s));
  if (skills.length) return `crew lacks ${skills.join(', ')}`;
  const equipment = (slot.equipment ?? []).filter((e) => !c.equipment.includes(e));
  if (equipment.length) return `unit lacks ${equipment.join(', ')}`;
  return null;
}

function bad(message: string, details: Record<string, unknown> = {}): AppError {
  return new AppError('VALIDATION_FAILED', message, details);
}

function validate(slots: readonly RunCardSlot[], candidates: readonly RunCardCandidate[]): void {
  if (slots.length > MAX_SLOTS) throw bad(`A run card has at most ${MAX_SLOTS} slots.`, { slots: slots.length });
  if (candidates.length > MAX_CANDIDATES)
    throw bad(`At most ${MAX_CANDIDATES} candidates.`, { candidates: candidates.length });
  const slotIds = new Set<string>();
  for (const s of slots) {
    if (!s.id || slotIds.has(s.id)) throw bad('Slot ids must be non-empty and unique.', { slotId: s.id });
    slotIds.add(s.id);
  }
  const unitIds = new Set<string>();
  for (const c of candidates) {
    if (!c.unitId || unitIds.has(c.unitId))
      throw bad('Candidate unit ids must be non-empty and unique.', { unitId: c.unitId });
    unitIds.add(c.unitId);
    if (!Number.isFinite(c.etaSec) || c.etaSec < 0 || c.etaSec > 86_400)
      throw bad('A candidate ETA must be between 0 and 86,400 s.', { unitId: c.unitId, etaSec: c.etaSec });
    if (c.dutyHours !== null && !(Number.isFinite(c.dutyHours) && c.dutyHours >= 0))
      throw bad('Duty hours must be a non-negative number or null.', { unitId: c.unitId });
  }
}

const num = (v: number): string => v.toFixed(6);
const fmtEta = (sec: number): string => `${Math.floor(sec / 60)} min ${Math.round(sec % 60)} s`;

/** The objective coefficient of leaving slot s of n unfilled: when not all slots can be filled, earlier first. */
export function unfilledCost(s: number, n: number): number {
  return UNFILLED_PENALTY + (n - s) * SLOT_PRIORITY_STEP;
}

/** The objective coefficient of assigning candidate c (whose call-sign rank is `rank`). */
export function assignmentCost(c: RunCardCandidate, rank: number): number {
  return c.etaSec + DUTY_HOUR_WEIGHT * (c.dutyHours ?? 0) + ORDER_WEIGHT * rank;
}

const signature = (slot: RunCardSlot): string =>
  JSON.stringify([
    [...(slot.unitTypes ?? [])].sort(),
    [...(slot.skills ?? [])].sort(),
    [...(slot.equipment ?? [])].sort(),
  ]);

/**
 * Among slots with identical requirements the optimum may swap units arbitrarily: hand their units out in
 * order of cost (the faster unit to the first such slot), so equal run cards read the same every time.
 */
function canonicalise(slots: readonly RunCardSlot[], chosen: Map<number, number>, cost: (u: number) => number): void {
  const groups = new Map<string, number[]>();
  slots.forEach((slot, s) => {
    if (!chosen.has(s)) return;
    const key = signature(slot);
    groups.set(key, [...(groups.get(key) ?? []), s]);
  });
  for (const group of groups.values()) {
    const units = group.map((s) => chosen.get(s)!);
    units.sort((a, b) => cost(a) - cost(b));
    group.forEach((s, i) => chosen.set(s, units[i]!));
  }
}

/**
 * Fills `slots` from `candidates` minimising total ETA; throws VALIDATION_FAILED on bad input. `skipLp` goes
 * straight to the MIP (the fallback path, for tests and comparisons).
 */
export async function assignRunCard(
  slots: readonly RunCardSlot[],
  candidates: readonly RunCardCandidate[],
  options: { skipLp?: boolean } = {},
): Promise<RunCardAssignment> {
  validate(slots, candidates);
  const started = performance.now();
  // Deterministic order: by call sign, then unit id (input order does not matter).
  const units = [...candidates].sort((a, b) =>
    a.callSign < b.callSign ? -1 : a.callSign > b.callSign ? 1 : a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0,
  );
  // Pruning: a slot needs only its n cheapest eligible units (n = number of slots). If an optimum gave it a
  // dearer one, at most n - 1 of those n would be taken by the other slots, and the free one is cheaper.
  const pairs: { s: number; u: number; name: string; cost: number }[] = [];
  slots.forEach((slot, s) => {
    const eligible: { u: number; cost: number }[] = [];
    units.forEach((c, u) => {
      if (ineligibility(slot, c) === null) eligible.push({ u, cost: assignmentCost(c, u) });
    });
    eligible.sort((a, b) => a.cost - b.cost || a.u - b.u);
    for (const { u, cost } of eligible.slice(0, slots.length)) pairs.push({ s, u, name: `x${s}_${u}`, cost });
  });

  const chosen = new Map<number, number>(); // slot index -> unit index
  let method: RunCardAssignment['method'] = 'none';
  if (pairs.length) {
    const lines: string[] = ['Minimize', ' obj:'];
    for (const p of pairs) lines.push(`  + ${num(p.cost)} ${p.name}`);
    slots.forEach((_, s) => lines.push(`  + ${num(unfilledCost(s, slots.length))} y${s}`));
    lines.push('Subject To');
    slots.forEach((_, s) => {
      const terms = pairs.filter((p) => p.s === s).map((p) => p.name);
      lines.push(` s${s}: ${[...terms, `y${s}`].join(' + ')} = 1`);
    });
    units.forEach((_, u) => {
      const terms = pairs.filter((p) => p.u === u).map((p) => p.name);
      if (terms.length > 1) lines.push(` u${u}: ${terms.join(' + ')} <= 1`);
    });
    lines.push('Bounds');
    for (const p of pairs) lines.push(` 0 <= ${p.name} <= 1`);
    slots.forEach((_, s) => lines.push(` 0 <= y${s} <= 1`));
    const lp = lines.join('\n');
    const h = await solver();

    const read = (model: string, options: Parameters<Highs['solve']>[1]) => {
      const r = h.solve(model, options);
      if (r.Status !== 'Optimal') throw new AppError('INTERNAL', `Run-card assignment failed: ${r.Status}.`);
      return pairs.map((p) => r.Columns[p.name]?.Primal ?? 0);
    };
    let values = options.skipLp ? [0.5] : read(`${lp}\nEnd\n`, { output_flag: false });
    method = 'lp';
    if (values.some((v) => Math.abs(v - Math.round(v)) > 1e-6)) {
      const binaries = `General\n ${pairs.map((p) => p.name).join(' ')}\n`;
      values = read(`${lp}\n${binaries}End\n`, { output_flag: false, presolve: 'off' });
      method = 'mip';
    }
    pairs.forEach((p, i) => {
      if (values[i]! > 0.5) chosen.set(p.s, p.u);
    });
    canonicalise(slots, chosen, (u) => assignmentCost(units[u]!, u));
  }

  const picks: RunCardPick[] = [];
  const unfilled: RunCardUnfilled[] = [];
  let totalEtaSec = 0;
  slots.forEach((slot, s) => {
    const u = chosen.get(s);
    if (u === undefined) {
      const eligible = units.filter((c) => ineligibility(slot, c) === null);
      unfilled.push(
        eligible.length
          ? {
              slotId: slot.id,
              why: 'eligible_units_taken',
              detail: `All ${eligible.length} eligible unit(s) fill other slots.`,
            }
          : { slotId: slot.id, why: 'no_eligible_unit', detail: `No candidate can fill "${slot.label}".` },
      );
      return;
    }
    const c = units[u]!;
    totalEtaSec += c.etaSec;
    const needs = [...(slot.skills ?? []), ...(slot.equipment ?? [])];
    picks.push({
      slotId: slot.id,
      unitId: c.unitId,
      callSign: c.callSign,
      etaSec: Math.round(c.etaSec),
      reason:
        `${slot.label}: ${c.unitType}, road ETA ${fmtEta(c.etaSec)}` +
        (needs.length ? `; has ${needs.join(', ')}` : '') +
        (c.dutyHours === null ? '' : `; crew on duty ${c.dutyHours.toFixed(1)} h`) +
        '; least total ETA for the run card.',
    });
  });
  return { picks, unfilled, method, totalEtaSec, solveMs: Math.round((performance.now() - started) * 100) / 100 };
}
