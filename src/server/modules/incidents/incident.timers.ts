/**
 * Stage timers: how long each stage of an incident may take, by severity (1 = I … 4 = IV), and which are late.
 * Targets count from the reception of the call (dispatch, on scene) or from the dispatch (acknowledgement). The
 * table is the configuration: edit it here (e.g. urban serious incidents on scene within 5 minutes). Pure.
 */
import type { IncidentStatus } from './incident.lifecycle.ts';

export const TIMER_STAGES = ['dispatch', 'acknowledge', 'on_scene'] as const;
export type TimerStage = (typeof TIMER_STAGES)[number];

/** Target seconds per stage and severity. */
export const STAGE_TARGETS_SEC: Record<TimerStage, Record<1 | 2 | 3 | 4, number>> = {
  dispatch: { 1: 60, 2: 120, 3: 300, 4: 600 },
  acknowledge: { 1: 30, 2: 60, 3: 120, 4: 180 },
  on_scene: { 1: 300, 2: 300, 3: 900, 4: 1800 },
};

/** When the incident first reached each status (from its timeline). */
export type StageTimes = Partial<Record<IncidentStatus, Date>>;

export interface StageTimer {
  stage: TimerStage;
  targetSec: number;
  /** Seconds the stage has taken so far (running) or took (done). */
  elapsedSec: number;
  done: boolean;
  late: boolean;
}

const REACHED: Record<TimerStage, readonly IncidentStatus[]> = {
  dispatch: ['dispatched', 'acknowledged', 'en_route', 'on_scene', 'handled', 'closed'],
  acknowledge: ['acknowledged', 'en_route', 'on_scene', 'handled', 'closed'],
  on_scene: ['on_scene', 'handled', 'closed'],
};

/** The first time any of `statuses` was reached. */
function firstOf(times: StageTimes, statuses: readonly IncidentStatus[]): Date | null {
  let best: Date | null = null;
  for (const s of statuses) {
    const t = times[s];
    if (t && (best === null || t < best)) best = t;
  }
  return best;
}

/**
 * The timers of an incident received at `receivedAt` with the given first-reached stage times, at `now`. The
 * acknowledgement timer starts at the dispatch, so it is absent before one.
 */
export function stageTimers(
  severity: number,
  receivedAt: Date,
  times: StageTimes,
  now: Date,
  targets: typeof STAGE_TARGETS_SEC = STAGE_TARGETS_SEC,
): StageTimer[] {
  const sev = Math.min(4, Math.max(1, Math.round(severity))) as 1 | 2 | 3 | 4;
  const out: StageTimer[] = [];
  const dispatchedAt = firstOf(times, REACHED.dispatch);
  for (const stage of TIMER_STAGES) {
    const start = stage === 'acknowledge' ? dispatchedAt : receivedAt;
    if (start === null) continue;
    const reached = firstOf(times, REACHED[stage]);
    const end = reached ?? now;
    const elapsedSec = Math.max(0, Math.round((end.getTime() - start.getTime()) / 1000));
    const targetSec = targets[stage][sev];
    out.push({ stage, targetSec, elapsedSec, done: reached !== null, late: elapsedSec > targetSec });
  }
  return out;
}
