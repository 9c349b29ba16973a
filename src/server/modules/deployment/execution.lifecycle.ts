/**
 * An assignment's stages on the officer's side (pure): ordered → acknowledged → en route → arrived, then the
 * receiving side's hand-over and the release. Reporting a stage already reached (or implied by a later one,
 * e.g. an acknowledgement arriving after the officer set off) is harmless and changes nothing; a stage that
 * cannot follow the current one is refused with ASSIGNMENT_BAD_TRANSITION.
 */
export type AssignmentStatus =
  'proposed' | 'ordered' | 'acknowledged' | 'en_route' | 'arrived' | 'handed_over' | 'released' | 'cancelled';

/** The stages an officer (or the receiving commander for him) reports. */
export type ReportedStage = 'acknowledged' | 'en_route' | 'arrived';

/** Statuses in which an officer is on the task (one task at a time: see the partial unique index). */
export const LIVE_STATUSES: readonly AssignmentStatus[] = [
  'ordered',
  'acknowledged',
  'en_route',
  'arrived',
  'handed_over',
];

const RANK: Record<AssignmentStatus, number> = {
  proposed: -1,
  ordered: 0,
  acknowledged: 1,
  en_route: 2,
  arrived: 3,
  handed_over: 4,
  released: -1,
  cancelled: -1,
};

/** The result of reporting `stage` from `from`: the new status, `null` for a harmless repeat, or refused. */
export type StageOutcome =
  { kind: 'move'; to: ReportedStage } | { kind: 'repeat' } | { kind: 'refused'; allowed: ReportedStage[] };

/** Decides what reporting `stage` does to an assignment in status `from`. */
export function reportStage(from: AssignmentStatus, stage: ReportedStage): StageOutcome {
  const r = RANK[from];
  const allowed = (['acknowledged', 'en_route', 'arrived'] as const).filter((s) => RANK[s] > r);
  if (r < 0) return { kind: 'refused', allowed: [] };
  if (RANK[stage] > r) return { kind: 'move', to: stage };
  // Already at or past the stage: an acknowledgement after departure, or any stage again, is harmless; going
  // back (e.g. "en route" after arriving) is not.
  if (stage === from || stage === 'acknowledged' || (stage === 'arrived' && from === 'handed_over')) {
    return { kind: 'repeat' };
  }
  return { kind: 'refused', allowed };
}
