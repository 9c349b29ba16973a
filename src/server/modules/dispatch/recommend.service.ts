/**
 * Unit recommendation: which available units to send to a point. One reverse road search from the scene gives
 * every candidate's driving time at once (etasTo); candidates are the units the actor may dispatch. Ranking:
 * road ETA first, then crew duty hours (a fresher crew first), then call sign. Required skills (of the crew's
 * active officers) and equipment (on the unit) are hard requirements: a unit lacking one is excluded with the
 * reason, as is a busy or off-duty unit, one whose live position is stale, one whose crew is over hours, and
 * one that cannot reach the scene within the horizon. A unit that never reported a position is placed at its
 * home base (its station). With an incident sub-type, the sub-type's run card (runcard.ts) is also filled from
 * the reachable units as a small optimal assignment (runcard.assign.ts); the ranking itself is unchanged.
 * For low-priority incidents (`coverage`), a station's last available unit ranks as if COVERAGE_PENALTY_SEC
 * farther away, so routine calls do not strip an area of its only cover when another unit is nearly as close.
 */
import { sql } from 'drizzle-orm';
import type { RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { CHINA_BBOX, assertValidCoordinates, etasTo } from '../geo/index.ts';
import { geoState } from '../geo/geo.state.ts';
import { policyFilter } from '../policy/policy.filter.ts';
import { mayDispatchSomewhere, requireActor } from './dispatch.policy.ts';
import type { RecommendBodyDto, RecommendResponseDto, WhyNotReason } from './dispatch.schemas.ts';
import { DEFAULT_STALE_AFTER_SEC } from './unit.presenter.ts';
import { listUnitRows, unitCapabilities, type UnitRow } from './unit.repository.ts';
import { SUB_TYPES } from '../incidents/incident.codes.ts';
import { assignRunCard, ineligibility, type RunCardCandidate } from './runcard.assign.ts';
import { runCardFor } from './runcard.ts';

/** Units farther than this by road are out of range. */
export const RECOMMEND_HORIZON_SEC = 45 * 60;
/** A crew on duty longer than this is not sent to a new incident. */
export const MAX_DUTY_HOURS = 12;
/**
 * Coverage rule (low priorities only): sending a station's last available unit leaves its area without cover,
 * so such a unit ranks as if it were this much farther away. A much nearer unit still wins.
 */
export const COVERAGE_PENALTY_SEC = 5 * 60;

type Excluded = RecommendResponseDto['excluded'][number];

interface Candidate {
  row: UnitRow;
  lon: number;
  lat: number;
  source: 'live' | 'home_base';
  dutyHours: number | null;
}

const fmtEta = (sec: number): string => `${Math.floor(sec / 60)} min ${Math.round(sec % 60)} s`;

/** Ranks the units the actor may dispatch to (lon, lat); every unit not recommended says why. */
export async function recommendUnits(
  ctx: RequestContext,
  body: RecommendBodyDto,
  opts: { coverage?: boolean } = {},
): Promise<RecommendResponseDto> {
  opts = { coverage: opts.coverage ?? body.coverage ?? false };
  const actor = requireActor(ctx);
  if (!mayDispatchSomewhere(actor)) {
    throw new AppError('FORBIDDEN', 'You may not incident.dispatch here.', {
      action: 'incident.dispatch',
      resourceType: 'unit',
    });
  }
  const state = await geoState(ctx.db);
  const finite = state.extent.every(Number.isFinite);
  assertValidCoordinates(body.lon, body.lat, {
    within: finite ? state.extent : CHINA_BBOX,
    label: 'incident location',
  });
  const now = ctx.now();
  const staleMs = (body.staleAfterSec ?? DEFAULT_STALE_AFTER_SEC) * 1000;
  const requiredSkills = [...new Set(body.requiredSkills ?? [])];
  const requiredEquipment = [...new Set(body.requiredEquipment ?? [])];
  const rows = await listUnitRows(ctx.db, policyFilter(actor, 'incident.dispatch', { path: sql`j.path` }, { now }));

  const excluded: Excluded[] = [];
  const exclude = (row: UnitRow, why: WhyNotReason, detail: string) =>
    excluded.push({ unitId: row.id, callSign: row.call_sign, why, detail });
  const candidates: Candidate[] = [];
  for (const row of rows) {
    if (row.status === 'off_duty') {
      exclude(row, 'off_duty', 'Off duty.');
      continue;
    }
    if (row.status !== 'available') {
      exclude(row, 'busy', `Status is ${row.status}.`);
      continue;
    }
    const dutyHours =
      // Clamped at 0: a shift start a little ahead of this clock (skew between processes) is a fresh crew.
      row.shift_started_at === null
        ? null
        : Math.max(0, (now.getTime() - new Date(row.shift_started_at).getTime()) / 3_600_000);
    if (dutyHours !== null && dutyHours > MAX_DUTY_HOURS) {
      exclude(row, 'over_hours', `Crew on duty ${dutyHours.toFixed(1)} h (limit ${MAX_DUTY_HOURS} h).`);
      continue;
    }
    if (row.pos_recorded_at !== null && row.pos_lon !== null && row.pos_lat !== null) {
      const ageMs = now.getTime() - new Date(row.pos_recorded_at).getTime();
      if (ageMs > staleMs) {
        exclude(row, 'stale_position', `Last position ${Math.round(ageMs / 1000)} s old (limit ${staleMs / 1000} s).`);
        continue;
      }
      candidates.push({ row, lon: row.pos_lon, lat: row.pos_lat, source: 'live', dutyHours });
    } else {
      candidates.push({ row, lon: row.home_lon, lat: row.home_lat, source: 'home_base', dutyHours });
    }
  }

  let eligible = candidates;
  if (requiredSkills.length || requiredEquipment.length) {
    const caps = await unitCapabilities(
      ctx.db,
      candidates.map((c) => c.row.id),
    );
    eligible = [];
    for (const c of candidates) {
      const cap = caps.get(c.row.id);
      const missingSkills = requiredSkills.filter((s) => !cap?.skills.has(s));
      const missingEquipment = requiredEquipment.filter((e) => !cap?.equipment.has(e));
      if (missingSkills.length) exclude(c.row, 'missing_skill', `Crew lacks ${missingSkills.join(', ')}.`);
      else if (missingEquipment.length)
        exclude(c.row, 'missing_equipment', `Unit lacks ${missingEquipment.join(', ')}.`);
      else eligible.push(c);
    }
  }

  const started = performance.now();
  const { etas } = etasTo(
    state.network,
    { lon: body.lon, lat: body.lat },
    eligible.map((c) => ({ lon: c.lon, lat: c.lat })),
    { departAt: now, horizonSec: RECOMMEND_HORIZON_SEC },
  );
  const searchMs = performance.now() - started;

  const reachable: (Candidate & { etaSec: number })[] = [];
  eligible.forEach((c, i) => {
    const eta = etas[i]!;
    if (Number.isFinite(eta.etaSec)) reachable.push({ ...c, etaSec: eta.etaSec });
    else if (eta.error === 'NO_ROAD_NEARBY' || eta.error === 'COORDINATES_INVALID') {
      exclude(c.row, 'unreachable', `Its ${c.source === 'live' ? 'position' : 'home base'} is not near any road.`);
    } else exclude(c.row, 'unreachable', `No road route within ${RECOMMEND_HORIZON_SEC / 60} min.`);
  });
  // Cover left behind: how many other units of the same station could answer a call now (reachable here).
  const availableAt = new Map<string, number>();
  for (const c of reachable) availableAt.set(c.row.jurisdiction_id, (availableAt.get(c.row.jurisdiction_id) ?? 0) + 1);
  const coverLeft = (c: Candidate) => (availableAt.get(c.row.jurisdiction_id) ?? 1) - 1;
  const penalty = (c: Candidate) => (opts.coverage && coverLeft(c) === 0 ? COVERAGE_PENALTY_SEC : 0);
  reachable.sort(
    (a, b) =>
      a.etaSec + penalty(a) - (b.etaSec + penalty(b)) ||
      (a.dutyHours ?? 0) - (b.dutyHours ?? 0) ||
      (a.row.call_sign < b.row.call_sign ? -1 : a.row.call_sign > b.row.call_sign ? 1 : 0),
  );
  const count = body.count ?? 3;
  const needs = [...requiredSkills, ...requiredEquipment];
  const recommended = reachable.slice(0, count).map((c, i) => ({
    unitId: c.row.id,
    callSign: c.row.call_sign,
    rank: i + 1,
    etaSec: Math.round(c.etaSec),
    positionSource: c.source,
    dutyHours: c.dutyHours === null ? null : Math.round(c.dutyHours * 10) / 10,
    coverLeft: opts.coverage ? coverLeft(c) : null,
    reason:
      `Road ETA ${fmtEta(c.etaSec)} from its ${c.source === 'live' ? 'live position' : 'home base'}` +
      (needs.length ? `; has ${needs.join(', ')}` : '') +
      (c.dutyHours === null ? '' : `; crew on duty ${c.dutyHours.toFixed(1)} h`) +
      (opts.coverage
        ? coverLeft(c) === 0
          ? `; last available unit of its station (ranked as ${COVERAGE_PENALTY_SEC / 60} min farther: low priority)`
          : `; leaves ${coverLeft(c)} unit(s) available at its station`
        : '') +
      '.',
  }));
  for (const c of reachable.slice(count)) {
    excluded.push({
      unitId: c.row.id,
      callSign: c.row.call_sign,
      why: 'ranked_lower',
      detail:
        `Road ETA ${fmtEta(c.etaSec)}: ${count} faster unit(s) recommended` +
        (penalty(c) ? '; it is the last available unit of its station (coverage rule, low priority).' : '.'),
    });
  }
  const result: RecommendResponseDto = { recommended, excluded, searchMs: Math.round(searchMs * 100) / 100 };
  if (body.incidentType !== undefined) result.runCard = await fillRunCard(ctx, body.incidentType, reachable);
  return result;
}

/**
 * Fills the incident sub-type's run card from the reachable units (sorted by ETA). Only a slot's n nearest
 * eligible units can matter (n = slots on the card), so the model gets at most n² candidates.
 */
async function fillRunCard(
  ctx: RequestContext,
  incidentType: string,
  reachable: readonly (Candidate & { etaSec: number })[],
): Promise<NonNullable<RecommendResponseDto['runCard']>> {
  if (!Object.hasOwn(SUB_TYPES, incidentType)) {
    throw new AppError('VALIDATION_FAILED', `Unknown incident sub-type ${incidentType}.`, { incidentType });
  }
  const slots = runCardFor(incidentType);
  const needsCaps = slots.some((s) => s.skills?.length || s.equipment?.length);
  const caps = needsCaps
    ? await unitCapabilities(
        ctx.db,
        reachable.map((c) => c.row.id),
      )
    : new Map<string, { skills: Set<string>; equipment: Set<string> }>();
  const all: RunCardCandidate[] = reachable.map((c) => ({
    unitId: c.row.id,
    callSign: c.row.call_sign,
    unitType: c.row.type,
    etaSec: c.etaSec,
    dutyHours: c.dutyHours,
    skills: [...(caps.get(c.row.id)?.skills ?? [])],
    equipment: [...(caps.get(c.row.id)?.equipment ?? [])],
  }));
  const pool = new Set<RunCardCandidate>();
  for (const slot of slots) {
    let taken = 0;
    for (const c of all) {
      if (taken === slots.length) break;
      if (ineligibility(slot, c) === null) {
        pool.add(c);
        taken++;
      }
    }
  }
  const a = await assignRunCard(slots, [...pool]);
  const label = new Map(slots.map((s) => [s.id, s.label]));
  return {
    incidentType,
    picks: a.picks.map((p) => ({ ...p, label: label.get(p.slotId)! })),
    unfilled: a.unfilled.map((u) => ({ ...u, label: label.get(u.slotId)! })),
    totalEtaSec: Math.round(a.totalEtaSec),
    method: a.method,
    solveMs: a.solveMs,
  };
}
