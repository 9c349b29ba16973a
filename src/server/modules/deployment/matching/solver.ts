/**
 * The optimal deployment plan with HiGHS (npm `highs`, WebAssembly), in the calling thread. `solvePlan` in
 * deployment-solver.ts runs this in a worker thread; call this directly only in scripts, tests, or where a
 * worker cannot start.
 *
 * Model (x over candidate pairs, u per slot group g = (demand, skill|general) with capacity c_g):
 *   min Σ cost(i,j)·x[i,g] − PIN·[pinned] + Σ penalty(g)·u[g]
 *   slot rows      Σ_i x[i,g] + u[g] = c_g                      (every slot filled or counted as unfilled)
 *   officer rows   Σ_g x[i,g] ≤ 1                               (one task at a time)
 *   region rows    Σ x[i,g] over officers of r serving other regions ≤ available_r − minCover_r
 *   0 ≤ x ≤ 1, 0 ≤ u ≤ c_g. Skills, deadline and duty cap are applied by only creating eligible pairs.
 * cost = travel minutes + fairness (≤ 3); penalty = 1e6 per skill slot, 1e4 per general slot (slots.ts WEIGHTS).
 *
 * Candidate pruning that cannot change the optimum (column generation): the first LP keeps, per slot group, the
 * K = max(20, 10·c_g) cheapest eligible officers (plus pins). After each LP solve every eligible pair left out is
 * priced with the LP duals (reduced cost d = cost − y_slot − y_officer − y_region); pairs with d < 0 are added and
 * the LP re-solved. When none is left, the duals are feasible for the full LP, so the restricted optimum IS the
 * full LP optimum: pruning only saves time, never objective (checked against no pruning in solver.test.ts).
 *
 * Without the region rows the matrix is a transportation matrix (totally unimodular) and vertex solutions are
 * integral; the region rows break that, so integrality is checked. When the LP is fractional, an incumbent is
 * made: the better of the greedy plan and the LP solution rounded (pairs by LP value, largest first, kept while
 * they fit, completed greedily); if it reaches the LP bound it is optimal and returned as is. The MIP is solved on the pairs that can still matter: by LP duality, any integer
 * plan that uses a pair of reduced cost d costs at least z_LP + d, so pairs with d > z_incumbent − z_LP can never
 * beat the incumbent and are left out (capped at MAX_MIP_PAIRS, cheapest d first). The MIP runs with presolve off
 * (HiGHS' MIP presolve dominates on this model, TIPS), a time limit, and the incumbent passed as the starting
 * solution (`setSolution`); if it ends without a plan at least as good, the incumbent is returned (method
 * 'greedy': a greedy plan, possibly seeded by the LP rounding).
 */
import highsModule, { type Highs, type ModelData } from 'highs';
import type { MatchInstance, MatchPlan } from './model.ts';
import { greedyPicks } from './greedy.ts';
import {
  buildPlan,
  isLent,
  pairCost,
  picksObjective,
  prepare,
  unfilledCost,
  WEIGHTS,
  type Pick,
  type Prepared,
} from './slots.ts';

export interface SolveOptions {
  /** Time limit of the MIP fallback in seconds (default 10). */
  mipTimeLimitSec?: number;
  /** Candidates kept per slot group before pricing: max(minCandidates, factor × capacity). Infinity = no pruning. */
  candidateFactor?: number;
  minCandidates?: number;
  /** Skip the LP and go to the MIP directly (tests of the fallback path). */
  forceMip?: boolean;
}

/**
 * Candidates per slot group in the first LP: max(MIN_CANDIDATES, CANDIDATE_FACTOR × capacity). Any value gives
 * the same optimum (pricing adds what is missing); these make a second pricing round rare at 2,000 × 50 (each
 * round is a full re-solve: 3 × 5,000 columns cost more than 1 × 7,000), ~3× fewer columns than no pruning.
 */
export const CANDIDATE_FACTOR = 10;
export const MIN_CANDIDATES = 20;
/** Cap on MIP columns (cheapest reduced costs first). */
export const MAX_MIP_PAIRS = 60_000;
const INT_TOL = 1e-6;
const PRICE_TOL = 1e-7;

const highsLoader = highsModule as unknown as () => Promise<Highs>;
let highs: Promise<Highs> | undefined;

/** This thread's HiGHS instance (loaded once, on first use; a failed load is retried next time). */
export function loadHighs(): Promise<Highs> {
  highs ??= highsLoader().catch((e: unknown) => {
    highs = undefined;
    throw e;
  });
  return highs;
}

/** Solve statistics (for tests and benchmarks). */
export interface SolveStats {
  lpColumns: number;
  pricingRounds: number;
  lpObjective: number;
  lpIntegral: boolean;
  /** Time inside HiGHS for the LP rounds, and for preparing the instance. */
  lpMs: number;
  prepMs: number;
  /** JS time building the LP arrays, HiGHS time loading them, JS time pricing left-out pairs (all rounds). */
  buildMs: number;
  passMs: number;
  priceMs: number;
  mipColumns: number;
  mipStatus?: string;
}

interface ColumnSet {
  officer: number[];
  group: number[];
  /** 1 at officer × groups + group when the pair is a column (a byte per pair: fast membership tests). */
  mark: Uint8Array;
}

const inModel = (cols: ColumnSet, p: Prepared, i: number, g: number): boolean =>
  cols.mark[i * p.groups.length + g] === 1;

function addColumn(cols: ColumnSet, p: Prepared, i: number, g: number): boolean {
  const key = i * p.groups.length + g;
  if (cols.mark[key]) return false;
  cols.mark[key] = 1;
  cols.officer.push(i);
  cols.group.push(g);
  return true;
}

/** Objective coefficient of pair (i, g) in the model (pins get the bonus). */
function columnCost(p: Prepared, i: number, g: number): number {
  const j = p.groups[g]!.demand;
  return pairCost(p, i, j) - (p.pinned.get(i) === j ? WEIGHTS.pin : 0);
}

/** Model objective of picks (with the pin bonus), comparable with HiGHS' objective values. */
function modelObjective(p: Prepared, picks: readonly Pick[]): number {
  let pins = 0;
  for (const k of picks) if (p.pinned.get(k.officer) === p.groups[k.group]!.demand) pins++;
  return picksObjective(p, picks) - pins * WEIGHTS.pin;
}

/** Every eligible (officer, group) pair, group by group. */
function forEachEligible(p: Prepared, fn: (i: number, g: number) => void): void {
  for (const group of p.groups) {
    if (group.capacity === 0) continue;
    for (const i of p.candidates[group.demand]!) {
      if (group.skill !== null && !p.skills[i]!.has(group.skill)) continue;
      fn(i, group.index);
    }
  }
}

interface Layout {
  model: ModelData;
  /** Row index of each officer / region (−1 when it has no row). */
  officerRow: Int32Array;
  regionRow: Int32Array;
  /** Row of each group (−1 when capacity 0). */
  groupRow: Int32Array;
  nX: number;
}

/** The model as CSC arrays: x columns first, then one u column per slot row. */
function buildModel(p: Prepared, cols: ColumnSet, integer: boolean): Layout {
  const groupRow = new Int32Array(p.groups.length).fill(-1);
  let rows = 0;
  for (const g of p.groups) if (g.capacity > 0) groupRow[g.index] = rows++;
  const nSlotRows = rows;
  const officerRow = new Int32Array(p.nO).fill(-1);
  for (const i of cols.officer) if (officerRow[i] === -1) officerRow[i] = rows++;
  const regionRow = new Int32Array(p.regionIds.length).fill(-1);
  cols.officer.forEach((i, k) => {
    const r = p.officerRegion[i]!;
    if (regionRow[r] === -1 && isLent(p, i, p.groups[cols.group[k]!]!.demand)) regionRow[r] = rows++;
  });
  const nX = cols.officer.length;
  const nCols = nX + nSlotRows;
  const starts = new Int32Array(nCols + 1);
  const indices: number[] = [];
  const values: number[] = [];
  const colCost = new Float64Array(nCols);
  const colLower = new Float64Array(nCols);
  const colUpper = new Float64Array(nCols);
  for (let k = 0; k < nX; k++) {
    const i = cols.officer[k]!;
    const g = cols.group[k]!;
    const j = p.groups[g]!.demand;
    starts[k] = indices.length;
    indices.push(groupRow[g]!, officerRow[i]!);
    values.push(1, 1);
    if (isLent(p, i, j)) {
      indices.push(regionRow[p.officerRegion[i]!]!);
      values.push(1);
    }
    colCost[k] = columnCost(p, i, g);
    colUpper[k] = 1;
  }
  const rowLower = new Float64Array(rows).fill(-Infinity);
  const rowUpper = new Float64Array(rows);
  let k = nX;
  for (const g of p.groups) {
    if (g.capacity === 0) continue;
    starts[k] = indices.length;
    indices.push(groupRow[g.index]!);
    values.push(1);
    colCost[k] = unfilledCost(g);
    colUpper[k] = g.capacity;
    rowLower[groupRow[g.index]!] = g.capacity;
    rowUpper[groupRow[g.index]!] = g.capacity;
    k++;
  }
  starts[nCols] = indices.length;
  for (let i = 0; i < p.nO; i++) if (officerRow[i]! >= 0) rowUpper[officerRow[i]!] = 1;
  p.regionIds.forEach((_, r) => {
    if (regionRow[r]! >= 0) rowUpper[regionRow[r]!] = p.regionCap[r]!;
  });
  const model: ModelData = {
    numCols: nCols,
    numRows: rows,
    colCost,
    colLower,
    colUpper,
    rowLower,
    rowUpper,
    matrix: {
      format: 'csc',
      numRows: rows,
      numCols: nCols,
      starts,
      indices: Int32Array.from(indices),
      values: Float64Array.from(values),
    },
    ...(integer ? { integrality: new Int32Array(nCols).fill(1) } : {}),
  };
  return { model, officerRow, regionRow, groupRow, nX };
}

function picksFrom(cols: ColumnSet, x: ArrayLike<number>, nX: number): Pick[] {
  const picks: Pick[] = [];
  for (let k = 0; k < nX; k++) if (x[k]! > 0.5) picks.push({ officer: cols.officer[k]!, group: cols.group[k]! });
  return picks;
}

/** Reduced cost of pair (i, g) under the row duals of a layout. */
function reducedCost(p: Prepared, lay: Layout, rowDual: ArrayLike<number>, i: number, g: number): number {
  const j = p.groups[g]!.demand;
  let d = columnCost(p, i, g) - rowDual[lay.groupRow[g]!]!;
  if (lay.officerRow[i]! >= 0) d -= rowDual[lay.officerRow[i]!]!;
  if (isLent(p, i, j)) {
    const rr = lay.regionRow[p.officerRegion[i]!]!;
    if (rr >= 0) d -= rowDual[rr]!;
  }
  return d;
}

/** Solves the instance with an already loaded HiGHS (synchronous; blocks the thread). */
export function solveWithHighs(
  h: Highs,
  instance: MatchInstance,
  opts: SolveOptions = {},
  stats?: Partial<SolveStats>,
): MatchPlan {
  const started = performance.now();
  const p = prepare(instance);
  const prepMs = performance.now() - started;
  const factor = opts.candidateFactor ?? CANDIDATE_FACTOR;
  const minK = opts.minCandidates ?? MIN_CANDIDATES;

  const cols: ColumnSet = { officer: [], group: [], mark: new Uint8Array(p.nO * p.groups.length) };
  for (const group of p.groups) {
    if (group.capacity === 0) continue;
    const k = Math.max(minK, factor * group.capacity);
    let kept = 0;
    for (const i of p.candidates[group.demand]!) {
      if (kept >= k) break;
      if (group.skill !== null && !p.skills[i]!.has(group.skill)) continue;
      addColumn(cols, p, i, group.index);
      kept++;
    }
  }
  forEachEligible(p, (i, g) => {
    if (p.pinned.get(i) === p.groups[g]!.demand) addColumn(cols, p, i, g);
  });
  if (p.groups.every((g) => g.capacity === 0) || cols.officer.length === 0) {
    return buildPlan(p, [], { method: 'lp', gap: 0, solveMs: performance.now() - started });
  }

  using model = h.createModel();
  // LP presolve off: ~30% faster on this model (the LP is already lean), and duals come straight from simplex.
  model.options.set({ output_flag: false, presolve: 'off' });
  let lay: Layout;
  let lpObjective: number;
  let x: Float64Array;
  let rowDual: Float64Array;
  let rounds = 0;
  let lpMs = 0;
  let buildMs = 0;
  let passMs = 0;
  let priceMs = 0;
  for (;;) {
    const tBuild = performance.now();
    lay = buildModel(p, cols, false);
    const tPass = performance.now();
    model.passModel(lay.model);
    buildMs += tPass - tBuild;
    passMs += performance.now() - tPass;
    const tRun = performance.now();
    const run = model.run();
    lpMs += performance.now() - tRun;
    if (run.modelStatus !== h.constants.modelStatus.optimal)
      throw new Error(`Deployment LP ended with status ${run.modelStatus}.`);
    const sol = model.getSolution();
    x = sol.colValue;
    rowDual = sol.rowDual;
    lpObjective = model.getObjectiveValue();
    rounds++;
    let added = 0;
    const tPrice = performance.now();
    forEachEligible(p, (i, g) => {
      if (inModel(cols, p, i, g)) return;
      if (reducedCost(p, lay, rowDual, i, g) < -PRICE_TOL && addColumn(cols, p, i, g)) added++;
    });
    priceMs += performance.now() - tPrice;
    if (!added) break;
  }
  const integral = Array.prototype.every.call(
    x.subarray(0, lay.nX),
    (v: number) => Math.abs(v - Math.round(v)) <= INT_TOL,
  ) as boolean;
  if (stats)
    Object.assign(stats, {
      lpColumns: lay.nX,
      pricingRounds: rounds,
      lpObjective,
      lpIntegral: integral,
      lpMs,
      prepMs,
      buildMs,
      passMs,
      priceMs,
    });
  if (integral && !opts.forceMip) {
    return buildPlan(p, picksFrom(cols, x, lay.nX), { method: 'lp', gap: 0, solveMs: performance.now() - started });
  }

  // Incumbent: the better of greedy and the LP solution rounded (largest values first, completed greedily).
  const byValue: { k: number; v: number }[] = [];
  for (let k = 0; k < lay.nX; k++) if (x[k]! > INT_TOL) byValue.push({ k, v: x[k]! });
  byValue.sort((a, b) => b.v - a.v || a.k - b.k);
  const greedy = greedyPicks(p);
  const rounded = greedyPicks(
    p,
    byValue.map(({ k }) => ({ officer: cols.officer[k]!, group: cols.group[k]! })),
  );
  const incumbent = modelObjective(p, rounded) < modelObjective(p, greedy) ? rounded : greedy;
  // MIP on the pairs that can still beat the incumbent (reduced-cost fixing), plus the incumbent's own pairs.
  const incumbentObjective = modelObjective(p, incumbent);
  if (!opts.forceMip && incumbentObjective <= lpObjective + 1e-6 * Math.max(1, Math.abs(lpObjective))) {
    // The rounded plan reaches the LP bound: it is optimal without a MIP (another vertex of the same face).
    return buildPlan(p, incumbent, { method: 'lp', gap: 0, solveMs: performance.now() - started });
  }
  const slack = incumbentObjective - lpObjective + 1e-6;
  const extra: { i: number; g: number; d: number }[] = [];
  forEachEligible(p, (i, g) => {
    if (inModel(cols, p, i, g)) return;
    const d = reducedCost(p, lay, rowDual, i, g);
    if (d <= slack) extra.push({ i, g, d });
  });
  extra.sort((a, b) => a.d - b.d);
  const room = Math.max(0, MAX_MIP_PAIRS - cols.officer.length);
  for (const e of extra.slice(0, room)) addColumn(cols, p, e.i, e.g);
  for (const k of incumbent) addColumn(cols, p, k.officer, k.group);
  const mip = buildModel(p, cols, true);
  model.passModel(mip.model);
  model.options.set({
    presolve: 'off',
    time_limit: opts.mipTimeLimitSec ?? 10,
    mip_rel_gap: 1e-9,
    mip_abs_gap: 1e-3,
  });
  // Start: x = 1 on the incumbent's pairs, u = what it leaves unfilled.
  const start = new Float64Array(mip.model.numCols);
  const index = new Map<number, number>();
  cols.officer.forEach((i, k) => index.set(i * p.groups.length + cols.group[k]!, k));
  const filled = new Array<number>(p.groups.length).fill(0);
  for (const k of incumbent) {
    start[index.get(k.officer * p.groups.length + k.group)!] = 1;
    filled[k.group]!++;
  }
  let u = mip.nX;
  for (const g of p.groups) if (g.capacity > 0) start[u++] = g.capacity - filled[g.index]!;
  model.setSolution({ colValue: start });
  const run = model.run();
  const status = run.modelStatus;
  const c = h.constants.modelStatus;
  const hasPlan =
    (status === c.optimal || status === c.timeLimit || status === c.interrupted || status === c.solutionLimit) &&
    Number(model.info.get('primal_solution_status')) === 2;
  if (stats) Object.assign(stats, { mipColumns: mip.nX, mipStatus: String(status) });
  if (hasPlan) {
    const picks = picksFrom(cols, model.getSolution().colValue, mip.nX);
    if (modelObjective(p, picks) <= incumbentObjective + 1e-6) {
      const gap = Number(model.info.get('mip_gap'));
      return buildPlan(p, picks, {
        method: 'mip',
        gap: Number.isFinite(gap) ? gap : 0,
        solveMs: performance.now() - started,
      });
    }
  }
  const bound = lpObjective;
  return buildPlan(p, incumbent, {
    method: 'greedy',
    gap: Math.abs(incumbentObjective - bound) / Math.max(1, Math.abs(incumbentObjective)),
    solveMs: performance.now() - started,
  });
}

/** Solves in the calling thread (loads HiGHS on first use). */
export async function solvePlanInProcess(instance: MatchInstance, opts: SolveOptions = {}): Promise<MatchPlan> {
  return solveWithHighs(await loadHighs(), instance, opts);
}
