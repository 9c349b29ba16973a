/**
 * The public progress page's logic: query-code input and validation, and the stage list shown to the caller.
 * Pure; the page renders it, the tests pin it down. The API gives stage names and times only — so does this.
 */
import { ApiError } from '../../../app/http.ts';

/** Stages as the caller sees them, in the order an incident goes through them. */
export const PUBLIC_STAGES = [
  'received',
  'graded',
  'dispatched',
  'acknowledged',
  'en_route',
  'on_scene',
  'handled',
  'closed',
] as const;
export type PublicStage = (typeof PUBLIC_STAGES)[number] | 'cancelled';

/** A query code: 10 characters, capital letters and digits (as printed in the SMS). */
export const CODE_RE = /^[A-Z0-9]{10}$/;

/** What a person typed, tidied: upper case, spaces and dashes removed (codes are often read out in groups). */
export function normaliseCode(input: string): string {
  return input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-_·.]/g, '');
}

export type CodeProblem = 'empty' | 'length' | 'characters';

/** Why a (normalised) code cannot be valid, or null when it has the right form. */
export function codeProblem(code: string): CodeProblem | null {
  if (code === '') return 'empty';
  if (!/^[A-Z0-9]*$/.test(code)) return 'characters';
  if (code.length !== 10) return 'length';
  return null;
}

/** The code in `#/progress/<code>` (normalised), or null when the hash carries none. */
export function codeFromHash(hash: string): string | null {
  const m = /^#\/progress\/([^/?#]+)/.exec(hash);
  if (!m) return null;
  let raw: string;
  try {
    raw = decodeURIComponent(m[1]!);
  } catch {
    return null;
  }
  const code = normaliseCode(raw);
  return code === '' ? null : code;
}

export interface ProgressPayload {
  stages: { stage: string; at: string }[];
  current: string;
}

export interface ProgressStep {
  stage: PublicStage;
  at: string | null;
  state: 'done' | 'current' | 'ahead';
}

const isPublicStage = (s: string): s is PublicStage =>
  s === 'cancelled' || (PUBLIC_STAGES as readonly string[]).includes(s);
const stageIndex = (s: PublicStage): number => (PUBLIC_STAGES as readonly string[]).indexOf(s);

/**
 * The vertical list: every stage reached (latest time when a stage was reached twice, e.g. after a reopen),
 * the current one marked, then the stages still ahead (none once closed or cancelled). Stages the incident
 * skipped are left out rather than shown as pending. Unknown stage names are ignored.
 */
export function progressSteps(p: ProgressPayload): ProgressStep[] {
  const latest = new Map<PublicStage, string>();
  for (const s of p.stages) {
    if (!isPublicStage(s.stage)) continue;
    const prev = latest.get(s.stage);
    if (!prev || Date.parse(s.at) > Date.parse(prev)) latest.set(s.stage, s.at);
  }
  const current: PublicStage | null = isPublicStage(p.current) ? p.current : null;
  if (current && !latest.has(current)) latest.set(current, '');
  const finished = current === 'closed' || current === 'cancelled';
  const currentIndex = current ? stageIndex(current) : -1;
  const steps: ProgressStep[] = [];
  for (const [i, stage] of PUBLIC_STAGES.entries()) {
    const at = latest.get(stage);
    if (at !== undefined) {
      steps.push({ stage, at: at || null, state: stage === current && !finished ? 'current' : 'done' });
    } else if (!finished && i > currentIndex) {
      steps.push({ stage, at: null, state: 'ahead' });
    }
  }
  if (current === 'cancelled') steps.push({ stage: 'cancelled', at: latest.get('cancelled') || null, state: 'done' });
  // A reopened incident goes back to an earlier stage: stages after the current one are ahead again.
  if (currentIndex >= 0 && !finished) {
    for (const s of steps) {
      if (s.stage !== 'cancelled' && stageIndex(s.stage) > currentIndex) {
        s.state = 'ahead';
        s.at = null;
      }
    }
  }
  return steps;
}

/** A stage time for people: "11月23日 16:05" / "Nov 23, 16:05", in China time whatever the device's zone. */
export function formatStageTime(iso: string, language: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleString(language, {
    timeZone: 'Asia/Shanghai',
    month: language.startsWith('zh') ? 'long' : 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
}

export type LookupFailure = 'notFound' | 'rateLimited' | 'network' | 'failed';

/**
 * Which friendly message a failed look-up gets: an unknown or malformed code (404, 400), too many look-ups
 * (429), no connection, or anything else (server trouble: "try again later").
 */
export function failureOf(err: unknown): LookupFailure {
  if (!(err instanceof ApiError)) return 'failed';
  if (err.status === 404 || err.status === 400) return 'notFound';
  if (err.status === 429 || err.code === 'RATE_LIMITED') return 'rateLimited';
  if (err.code === 'NETWORK') return 'network';
  return 'failed';
}
