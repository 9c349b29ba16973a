/** Pure helpers of the recommendation panel: the default pick and the dispatch request it becomes. */
import type { DispatchBody, Recommendation } from '../api/board.api.ts';

/** Units the recommendation proposes: the run card's picks when it has one, else the best-ranked unit. */
export function proposedUnits(rec: Recommendation): string[] {
  const picks = rec.runCard?.picks ?? [];
  if (picks.length > 0) return [...new Set(picks.map((p) => p.unitId))];
  const best = [...rec.recommended].sort((a, b) => a.rank - b.rank)[0];
  return best ? [best.unitId] : [];
}

/** Units the recommendation named at all (ranked or picked): choosing others is an override. */
export function recommendedIds(rec: Recommendation): Set<string> {
  return new Set([...rec.recommended.map((r) => r.unitId), ...(rec.runCard?.picks ?? []).map((p) => p.unitId)]);
}

export type DispatchPlan =
  { ok: true; body: DispatchBody; override: boolean } | { ok: false; error: 'noUnits' | 'tooMany' | 'reasonRequired' };

/**
 * The dispatch request for `chosen` units: with the recommendation id; units outside the recommendation make it
 * an override, which needs a reason (the server rejects it otherwise, DISPATCH_OVERRIDE_REASON_REQUIRED).
 */
export function planDispatch(rec: Recommendation | null, chosen: readonly string[], reason: string): DispatchPlan {
  const unitIds = [...new Set(chosen)];
  if (unitIds.length === 0) return { ok: false, error: 'noUnits' };
  if (unitIds.length > 10) return { ok: false, error: 'tooMany' };
  const named = rec ? recommendedIds(rec) : new Set<string>();
  const override = unitIds.some((id) => !named.has(id));
  const why = reason.trim();
  if (override && why.length < 2) return { ok: false, error: 'reasonRequired' };
  const body: DispatchBody = { unitIds };
  if (rec?.recommendationId) body.recommendationId = rec.recommendationId;
  if (why) body.overrideReason = why;
  return { ok: true, body, override };
}

/** ETA in whole minutes for the panel (at least 1 for any positive time). */
export function etaMinutes(etaSec: number): number {
  return etaSec <= 0 ? 0 : Math.max(1, Math.round(etaSec / 60));
}

/** One row of the panel: a ranked unit, or a run-card pick the ranking did not list. */
export interface RecRow {
  unitId: string;
  callSign: string;
  rank: number | null;
  etaSec: number;
  live: boolean | null;
  dutyHours: number | null;
  coverLeft: number | null;
  /** The server's English reason (for the tooltip; the panel composes its own text). */
  reason: string;
  /** The run-card slot this unit fills, if any (its kind, e.g. `patrol` for slot `patrol-2`, and label). */
  slotKind: string | null;
  slot: string | null;
}

/** The kind of a run-card slot (`patrol-2` → `patrol`), or null. */
export function slotKind(slotId: string | undefined): string | null {
  return slotId ? slotId.replace(/-\d+$/, '') : null;
}

/** The rows to show: every ranked unit by rank, then the run card's picks not among them. */
export function recommendationRows(rec: Recommendation): RecRow[] {
  const slotOf = new Map((rec.runCard?.picks ?? []).map((p) => [p.unitId, p]));
  const ranked = [...rec.recommended]
    .sort((a, b) => a.rank - b.rank)
    .map((r) => ({
      unitId: r.unitId,
      callSign: r.callSign,
      rank: r.rank,
      etaSec: r.etaSec,
      live: r.positionSource === 'live',
      dutyHours: r.dutyHours,
      coverLeft: r.coverLeft ?? null,
      reason: r.reason,
      slotKind: slotKind(slotOf.get(r.unitId)?.slotId),
      slot: slotOf.get(r.unitId)?.label ?? null,
    }));
  const listed = new Set(ranked.map((r) => r.unitId));
  const extra = (rec.runCard?.picks ?? [])
    .filter((p) => !listed.has(p.unitId))
    .filter((p, i, all) => all.findIndex((q) => q.unitId === p.unitId) === i)
    .map((p) => ({
      unitId: p.unitId,
      callSign: p.callSign,
      rank: null,
      etaSec: p.etaSec,
      live: null,
      dutyHours: null,
      coverLeft: null,
      reason: p.reason,
      slotKind: slotKind(p.slotId),
      slot: p.label,
    }));
  return [...ranked, ...extra];
}
