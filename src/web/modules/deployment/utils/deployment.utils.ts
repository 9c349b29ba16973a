/**
 * Pure helpers of the deployment board: countdowns, urgency order, the what-if plan difference, shortfall wording
 * in plain words, and the byte encodings an e-signature needs (base64 of SPKI / P1363 signatures).
 */
import type { Adjustments, CoverLeft, Demand, Plan, Shortfall } from '../api/deployment.api.ts';

/** The configurable skill list (mirrors ALL_SKILLS in src/server/modules/deployment/pool.eligibility.ts). */
export const SKILLS = [
  'module_stability',
  'module_investigation',
  'module_tech_support',
  'module_public_order',
  'module_traffic',
  'module_community',
  'e_forensics',
  'negotiation',
  'riot_control',
  'traffic',
  'drone',
  'first_aid',
  'foreign_language',
] as const;

/** Special equipment kinds a demand may ask for (the demo pools' kinds). */
export const EQUIPMENT_KINDS = ['drone', 'bomb_robot', 'mobile_command_vehicle', 'body_camera', 'radio', 'taser'];

export const DEMAND_TYPES = ['public_order', 'security', 'search', 'disaster', 'investigation', 'traffic'];

/** Demand statuses still on the board (the rest are history). */
export const ACTIVE_STATUSES = new Set(['draft', 'open', 'planned', 'approved', 'executing']);

/** Response standard in minutes by level (1 = I … 4 = IV): especially major 30, major 30, general 60. */
export function standardMinutes(level: number): number {
  return level <= 2 ? 30 : 60;
}

/** Milliseconds until `iso` (negative once past). */
export function msUntil(iso: string, now: number): number {
  return new Date(iso).getTime() - now;
}

/** A countdown as `H:MM:SS` or `M:SS` (absolute value; the caller says whether it is overdue). */
export function formatCountdown(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A countdown state: the text, overdue, and urgent (under a quarter of an hour left). */
export function countdown(iso: string, now: number): { text: string; overdue: boolean; urgent: boolean } {
  const ms = msUntil(iso, now);
  return { text: formatCountdown(ms), overdue: ms < 0, urgent: ms >= 0 && ms < 15 * 60_000 };
}

const STATUS_RANK: Record<string, number> = {
  draft: 0,
  open: 1,
  planned: 2,
  approved: 3,
  executing: 4,
  closed: 8,
  cancelled: 9,
};

/** Most urgent first: active before history, then level (I first), then the nearest deadline. */
export function byUrgency(a: Demand, b: Demand): number {
  const activeA = ACTIVE_STATUSES.has(a.status) ? 0 : 1;
  const activeB = ACTIVE_STATUSES.has(b.status) ? 0 : 1;
  return (
    activeA - activeB ||
    a.level - b.level ||
    a.deadlineAt.localeCompare(b.deadlineAt) ||
    (STATUS_RANK[a.status] ?? 5) - (STATUS_RANK[b.status] ?? 5) ||
    a.code.localeCompare(b.code)
  );
}

/** Whole minutes from seconds, rounded. */
export const minutesOf = (sec: number) => Math.round(sec / 60);

/** Minutes an assignment arrives before (+) or after (−) its demand's deadline, measured from the plan's time. */
export function slackMinutes(etaSec: number, deadlineAt: string, planCreatedAt: string): number {
  const window = (new Date(deadlineAt).getTime() - new Date(planCreatedAt).getTime()) / 1000;
  return Math.round((window - etaSec) / 60);
}

/** What a what-if changed, for the summary line beside the re-solved plan. */
export interface PlanDiff {
  objectiveDelta: number | null;
  meanEtaDeltaMin: number | null;
  maxEtaDeltaMin: number | null;
  unmetDelta: number;
  added: string[];
  removed: string[];
  moved: string[];
  cover: { regionId: string; before: number; after: number }[];
}

const unmet = (p: Plan) => p.shortfalls.reduce((n, s) => n + s.missing, 0);
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** The difference from `before` to `after` (objective, arrival times, unmet slots, officers, cover left). */
export function planDiff(before: Plan, after: Plan): PlanDiff {
  const was = new Map(before.assignments.map((a) => [a.officerId, a.demandId]));
  const now = new Map(after.assignments.map((a) => [a.officerId, a.demandId]));
  const added = [...now.keys()].filter((id) => !was.has(id));
  const removed = [...was.keys()].filter((id) => !now.has(id));
  const moved = [...now.keys()].filter((id) => was.has(id) && was.get(id) !== now.get(id));
  const etas = (p: Plan) => p.assignments.map((a) => a.etaSec);
  const mb = mean(etas(before));
  const ma = mean(etas(after));
  const maxOf = (p: Plan) => (p.assignments.length ? Math.max(...etas(p)) : null);
  const xb = maxOf(before);
  const xa = maxOf(after);
  const regions = new Set([...Object.keys(before.cover), ...Object.keys(after.cover)]);
  const cover = [...regions]
    .map((regionId) => ({
      regionId,
      before: before.cover[regionId]?.left ?? 0,
      after: after.cover[regionId]?.left ?? 0,
    }))
    .filter((c) => c.before !== c.after)
    .sort((a, b) => a.regionId.localeCompare(b.regionId));
  return {
    objectiveDelta:
      before.objective === null || after.objective === null ? null : round2(after.objective - before.objective),
    meanEtaDeltaMin: mb === null || ma === null ? null : round1((ma - mb) / 60),
    maxEtaDeltaMin: xb === null || xa === null ? null : round1((xa - xb) / 60),
    unmetDelta: unmet(after) - unmet(before),
    added,
    removed,
    moved,
    cover,
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

/** A signed number for a difference: `+3`, `−1.5`, `±0`. */
export function signed(x: number): string {
  if (x === 0) return '±0';
  return x > 0 ? `+${x}` : `−${Math.abs(x)}`;
}

/** Shortfalls of one demand grouped by slot (the solver may report one slot in several groups). */
export function groupShortfalls(shortfalls: Shortfall[], demandId: string): Shortfall[] {
  const by = new Map<string, Shortfall>();
  for (const s of shortfalls) {
    if (s.demandId !== demandId) continue;
    const prev = by.get(s.slot);
    by.set(s.slot, prev ? { ...prev, missing: prev.missing + s.missing } : { ...s });
  }
  return [...by.values()];
}

/**
 * The solver's why-not in plain Chinese (it answers in English); unknown texts are returned unchanged.
 * `skillName` turns a skill code into its display name.
 */
export function shortfallWhyZh(why: string, skillName: (code: string) => string): string {
  let m = /^no officer in the pool has (\w+)$/.exec(why);
  if (m) return `可调警力中无人具备${skillName(m[1]!)}技能`;
  if (why === 'no officer in the pool') return '可调警力不足';
  m = /^no (officers(?: with (\w+))?) arrives before the (\d+)-min deadline \((\d+) too far or unreachable\)$/.exec(
    why,
  );
  if (m) {
    const who = m[2] ? `具备${skillName(m[2])}技能的民警` : '民警';
    return `没有${who}能在 ${m[3]} 分钟时限内到达（${m[4]} 人路程过远或不可达）`;
  }
  m = /^no (officers(?: with (\w+))?) eligible: (.+)$/.exec(why);
  if (m) {
    const who = m[2] ? `具备${skillName(m[2])}技能的民警` : '民警';
    const parts = m[3]!.split(', ').map((p) => {
      let q = /^(\d+) arrive too late$/.exec(p);
      if (q) return `${q[1]} 人无法按时到达`;
      q = /^(\d+) would exceed the (\d+)-hour duty cap$/.exec(p);
      if (q) return `${q[1]} 人将超过每日 ${q[2]} 小时执勤上限`;
      q = /^(\d+) are held by their region's minimum cover$/.exec(p);
      if (q) return `${q[1]} 人须留守本地区`;
      return p;
    });
    return `没有可用的${who}：${parts.join('，')}`;
  }
  return why;
}

/** One shortfall in plain words, e.g. "缺 处突 2 人". */
export function shortfallHeadline(s: Shortfall, skillName: (code: string) => string, zh: boolean): string {
  return zh ? `缺 ${skillName(s.slot)} ${s.missing} 人` : `${s.missing} × ${skillName(s.slot)} missing`;
}

/** Regions whose cover left would fall below their minimum (with the plan's numbers). */
export function coverAtRisk(cover: Record<string, CoverLeft>): string[] {
  return Object.entries(cover)
    .filter(([, c]) => c.left < Math.min(c.minCover, c.available))
    .map(([id]) => id);
}

/** Bytes → standard base64 (what the server's `Buffer.from(x, 'base64')` reads). */
export function toBase64(bytes: ArrayBuffer | Uint8Array): string {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = '';
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Standard base64 → bytes. */
export function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * A P1363 ECDSA P-256 signature is r ‖ s, 64 bytes (what WebCrypto produces and the server verifies); a DER
 * signature (0x30 …) is the other common encoding and is refused by the server.
 */
export function isP1363P256(sig: Uint8Array): boolean {
  return sig.length === 64;
}

/** Deterministic colour per demand (index in the board's list), distinct for the first ten. */
export const DEMAND_COLORS = [
  '#d92d20',
  '#1c5bc4',
  '#12b76a',
  '#f79009',
  '#7a5af8',
  '#0ba5ec',
  '#ee46bc',
  '#667085',
  '#84cc16',
  '#b54708',
];
export function demandColor(index: number): string {
  return DEMAND_COLORS[((index % DEMAND_COLORS.length) + DEMAND_COLORS.length) % DEMAND_COLORS.length]!;
}

/**
 * The adjustments of a re-solve: the server replaces (does not accumulate) adjustments, so the plan's own ones are
 * merged with the pending changes. Removing an officer drops their pin; pinning one un-removes them.
 */
export function mergeAdjustments(base: unknown, extra: Adjustments): Adjustments {
  const b = (base && typeof base === 'object' ? base : {}) as Adjustments;
  const remove = new Set([...(b.remove ?? []), ...(extra.remove ?? [])]);
  const pins = new Map<string, string>();
  for (const p of [...(b.pins ?? []), ...(extra.pins ?? [])]) pins.set(p.officerId, p.demandId);
  for (const p of extra.pins ?? []) remove.delete(p.officerId);
  for (const id of extra.remove ?? []) pins.delete(id);
  const out: Adjustments = {};
  if (remove.size) out.remove = [...remove].sort();
  if (pins.size) out.pins = [...pins].map(([officerId, demandId]) => ({ officerId, demandId }));
  const headcount = { ...(b.headcount ?? {}), ...(extra.headcount ?? {}) };
  if (Object.keys(headcount).length) out.headcount = headcount;
  const cover = { ...(b.cover ?? {}), ...(extra.cover ?? {}) };
  if (Object.keys(cover).length) out.cover = cover;
  return out;
}

/** How many changes are pending (for the re-solve button). */
export function countAdjustments(a: Adjustments): number {
  return (
    (a.remove?.length ?? 0) +
    (a.pins?.length ?? 0) +
    Object.keys(a.headcount ?? {}).length +
    Object.keys(a.cover ?? {}).length
  );
}

/** A level as its Roman numeral (1 → I … 4 → IV), as written on Chinese emergency plans. */
export function roman(level: number): string {
  return ['I', 'II', 'III', 'IV'][level - 1] ?? String(level);
}

/** The solver's reason for a pick (English, `; `-separated parts) in plain Chinese; unknown parts stay as they are. */
export function reasonZh(
  reason: string,
  skillName: (code: string) => string,
  regionName: (id: string) => string,
): string {
  return reason
    .split('; ')
    .filter(Boolean)
    .map((part) => {
      if (part === 'pinned by the planner') return '规划员锁定';
      if (part === 'general slot') return '普通警力岗位';
      if (part === 'from the receiving region') return '本地区警力';
      let m = /^has (\w+)$/.exec(part);
      if (m) return `具备${skillName(m[1]!)}技能`;
      m = /^ETA (-?\d+) min, (-?\d+) min before the (\d+)-min deadline$/.exec(part);
      if (m) return `预计 ${m[1]} 分钟到达，早于 ${m[3]} 分钟时限 ${m[2]} 分钟`;
      m = /^(\d+) task points, (\d+) deployment\(s\) in 30 days$/.exec(part);
      if (m) return `任务积分 ${m[1]}，近 30 天投送 ${m[2]} 次`;
      m = /^lent by region (\w+)$/.exec(part);
      if (m) return `由${regionName(m[1]!)}借调`;
      return part;
    })
    .join('；');
}
