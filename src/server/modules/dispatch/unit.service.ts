/**
 * Units: policy-filtered listing, status changes (legal transitions, audited; not while on a dispatch order) and
 * AVL position ingest (which also marks units arriving inside their scene's geofence as on scene).
 */
import { sql } from 'drizzle-orm';
import { recordAudit, transaction, type RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { CHINA_BBOX, isValidCoordinates } from '../geo/index.ts';
import { policyFilter } from '../policy/policy.filter.ts';
import { canChangeUnitStatus, canReadUnit, canReportPosition, requireActor } from './dispatch.policy.ts';
import type { PositionItemDto, UnitDto } from './dispatch.schemas.ts';
import { DEFAULT_STALE_AFTER_SEC, presentUnit } from './unit.presenter.ts';
import {
  crewUserIds,
  findUnitRow,
  ingestPositions,
  listUnitRows,
  unitsByIds,
  updateUnitStatus,
  type PositionInput,
} from './unit.repository.ts';
import { UNIT_TRANSITIONS, canTransition, type UnitStatus } from './unit.status.ts';
import { activeOrdersOfUnits } from './order.repository.ts';
import { arrivalsFromFixes, type DispatchChanges } from './order.service.ts';

/** A unit change to announce on the `units` topic (the route publishes it after the commit). */
export interface UnitEvent {
  type: 'unit.status' | 'unit.position';
  jurisdictionPath: string;
  data: { id: string; callSign: string; status: string; lon: number; lat: number };
}

/** Units the actor may read, optionally by status; positions older than `staleAfterSec` are flagged. */
export async function listUnits(
  ctx: RequestContext,
  opts: { status?: UnitStatus; staleAfterSec?: number } = {},
): Promise<UnitDto[]> {
  const actor = requireActor(ctx);
  const rows = await listUnitRows(ctx.db, policyFilter(actor, 'unit.read', { path: sql`j.path` }, { now: ctx.now() }), {
    status: opts.status,
  });
  const now = ctx.now();
  return rows.map((r) => presentUnit(r, now, opts.staleAfterSec ?? DEFAULT_STALE_AFTER_SEC));
}

/** Moves a unit to `status` if the transition is legal; audited; returns the unit and its event. */
export async function changeUnitStatus(
  ctx: RequestContext,
  unitId: string,
  input: { status: UnitStatus; reason?: string },
): Promise<{ unit: UnitDto; event: UnitEvent }> {
  requireActor(ctx);
  return transaction(ctx, async (tx) => {
    const row = await findUnitRow(tx.db, unitId, { forUpdate: true });
    // A unit outside the actor's read scope is reported as absent, not as forbidden.
    if (!row || !canReadUnit(tx, row))
      throw new AppError('UNIT_NOT_FOUND', `No unit ${unitId} in your scope.`, { unitId });
    const crew = (await crewUserIds(tx.db, [row.id])).get(row.id);
    if (!canChangeUnitStatus(tx, row, crew)) {
      throw new AppError('FORBIDDEN', 'You may not change this unit’s status.', {
        action: 'unit.update',
        resourceType: 'unit',
      });
    }
    const from = row.status as UnitStatus;
    // A unit on an order moves with the order (acknowledge, en route, on scene, released, cancelled), so the
    // order, the unit and the incident never disagree.
    const [active] = await activeOrdersOfUnits(tx.db, [row.id]);
    if (active) {
      throw new AppError(
        'UNIT_HAS_ACTIVE_ORDER',
        `Unit ${row.call_sign} is on dispatch order ${active.id}: report its stages on the order instead.`,
        { unitId: row.id, orderId: active.id, orderStatus: active.status },
      );
    }
    if (!canTransition(from, input.status)) {
      throw new AppError(
        'UNIT_STATUS_TRANSITION',
        `A unit that is ${from} cannot become ${input.status}; allowed: ${UNIT_TRANSITIONS[from].join(', ') || 'none'}.`,
        { from, to: input.status, allowed: [...UNIT_TRANSITIONS[from]] },
      );
    }
    const now = tx.now();
    const shift = input.status === 'off_duty' ? 'end' : from === 'off_duty' ? { start: now } : 'keep';
    await updateUnitStatus(tx.db, row.id, input.status, shift);
    await recordAudit(tx, {
      action: 'unit.status',
      resourceType: 'unit',
      resourceId: row.id,
      outcome: 'success',
      jurisdictionId: row.jurisdiction_id,
      payload: { from, to: input.status, reason: input.reason ?? null },
    });
    const updated = (await findUnitRow(tx.db, row.id))!;
    const unit = presentUnit(updated, now);
    const at = unit.position ?? unit.home;
    return {
      unit,
      event: {
        type: 'unit.status',
        jurisdictionPath: row.path,
        data: { id: unit.id, callSign: unit.callSign, status: unit.status, lon: at.lon, lat: at.lat },
      },
    };
  });
}

/** Fixes may be at most this far in the future (device clocks drift a little). */
const MAX_FUTURE_MS = 60_000;

type Rejection = {
  index: number;
  unitId: string;
  reason: 'unit_not_found' | 'forbidden' | 'coordinates_invalid' | 'future_timestamp';
};

/**
 * Ingests a batch of AVL fixes: each is checked (known unit the actor may report for, plausible point inside
 * China, not from the future), appended to the history idempotently by (unit, device time), and moves the
 * unit's latest position only forward in time. Rejected items are reported, the rest stored; one audit entry
 * per batch.
 */
export async function ingestPositionBatch(
  ctx: RequestContext,
  positions: PositionItemDto[],
): Promise<{
  accepted: number;
  duplicates: number;
  moved: number;
  rejected: Rejection[];
  events: UnitEvent[];
  /** Automatic arrivals (geofence) the fixes caused. */
  arrivals: DispatchChanges;
}> {
  requireActor(ctx);
  const now = ctx.now();
  return transaction(ctx, async (tx) => {
    const units = new Map(
      (await unitsByIds(tx.db, [...new Set(positions.map((p) => p.unitId))])).map((u) => [u.id, u]),
    );
    // Crew membership is looked up only for the units the actor's roles do not cover (officer apps).
    const uncovered = [...units.values()].filter((u) => !canReportPosition(tx, u)).map((u) => u.id);
    const crews = uncovered.length ? await crewUserIds(tx.db, uncovered) : new Map<string, Set<string>>();
    const rejected: Rejection[] = [];
    const good: PositionInput[] = [];
    const allowed = new Map<string, boolean>();
    positions.forEach((p, index) => {
      const unit = units.get(p.unitId);
      if (!unit || !canReadUnit(tx, unit))
        return void rejected.push({ index, unitId: p.unitId, reason: 'unit_not_found' });
      let ok = allowed.get(unit.id);
      if (ok === undefined) allowed.set(unit.id, (ok = canReportPosition(tx, unit, crews.get(unit.id))));
      if (!ok) return void rejected.push({ index, unitId: p.unitId, reason: 'forbidden' });
      if (!isValidCoordinates(p.lon, p.lat, { within: CHINA_BBOX })) {
        return void rejected.push({ index, unitId: p.unitId, reason: 'coordinates_invalid' });
      }
      const t = Date.parse(p.recordedAt);
      if (t - now.getTime() > MAX_FUTURE_MS)
        return void rejected.push({ index, unitId: p.unitId, reason: 'future_timestamp' });
      good.push({
        unit_id: p.unitId,
        lon: p.lon,
        lat: p.lat,
        recorded_at: new Date(t).toISOString(),
        speed_kmh: p.speedKmh ?? null,
        heading: p.heading ?? null,
      });
    });
    const { inserted, moved } = good.length ? await ingestPositions(tx.db, good) : { inserted: [], moved: [] };
    await recordAudit(tx, {
      action: 'avl.ingest',
      resourceType: 'unit_position',
      resourceId: null,
      outcome: 'success',
      payload: { received: positions.length, accepted: inserted.length, rejected: rejected.length },
    });
    const arrivals = await arrivalsFromFixes(
      tx,
      moved.map((m) => ({ unitId: m.unit_id, lon: m.lon, lat: m.lat })),
    );
    const events: UnitEvent[] = moved.map((m) => {
      const u = units.get(m.unit_id)!;
      return {
        type: 'unit.position',
        jurisdictionPath: u.path,
        data: { id: u.id, callSign: u.call_sign, status: u.status, lon: m.lon, lat: m.lat },
      };
    });
    return {
      accepted: inserted.length,
      // Good items not inserted were retries of stored fixes or repeats within the batch.
      duplicates: good.length - inserted.length,
      moved: moved.length,
      rejected,
      events,
      arrivals,
    };
  });
}
