/**
 * Resource pools (province, city and county: the jurisdiction subtree): the officers each offers with their
 * eligibility and why-not, skills (certification-checked), duty hours, fairness points and live position (the
 * unit's AVL fix when fresh, else the home station), the equipment by kind, standard and status, and the
 * region's minimum cover. Readers see the pools under their `deployment.read` scope.
 */
import { sql } from 'drizzle-orm';
import { recordAudit, transaction, type RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { authorize } from '../policy/policy.ts';
import { policyFilter } from '../policy/policy.filter.ts';
import { geoState } from '../geo/geo.state.ts';
import { defaultMinCover, eligibility, type Eligibility } from './pool.eligibility.ts';
import { coverRows, equipmentRows, fleetCounts, officerRows, upsertCover, type OfficerRow } from './pool.repository.ts';

/** A fix older than this no longer places an officer; the home station does. */
export const POSITION_FRESH_MS = 10 * 60_000;

export interface PoolOfficer {
  id: string;
  userId: string | null;
  name: string;
  policeNumber: string;
  post: string;
  stationId: string;
  /** The county (region) whose cover the officer counts towards. */
  regionId: string;
  cityId: string;
  path: string;
  position: { lon: number; lat: number; source: 'avl' | 'station' } | null;
  eligibility: Eligibility;
  taskPoints: number;
  deployments30d: number;
  lastDeployedAt: string | null;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toPoolOfficer(r: OfficerRow, now: Date): PoolOfficer {
  const seg = r.path.split('/').filter(Boolean);
  const certs = typeof r.certs === 'string' ? (JSON.parse(r.certs) as { name: string; expires_on: string }[]) : r.certs;
  const certificates = new Map<string, Date>();
  for (const c of certs ?? []) {
    const d = new Date(`${c.expires_on.slice(0, 10)}T23:59:59Z`);
    const prev = certificates.get(c.name);
    if (!prev || d > prev) certificates.set(c.name, d);
  }
  const fresh = r.pos_at !== null && now.getTime() - new Date(r.pos_at).getTime() <= POSITION_FRESH_MS;
  const stationLon = num(r.station_lon);
  const stationLat = num(r.station_lat);
  return {
    id: r.id,
    userId: r.user_id,
    name: r.name,
    policeNumber: r.police_number,
    post: r.post,
    stationId: r.station_id,
    regionId: seg[2] ?? seg.at(-1)!,
    cityId: seg[1] ?? seg.at(-1)!,
    path: r.path,
    position:
      fresh && r.pos_lon !== null && r.pos_lat !== null
        ? { lon: r.pos_lon, lat: r.pos_lat, source: 'avl' }
        : stationLon !== null && stationLat !== null
          ? { lon: stationLon, lat: stationLat, source: 'station' }
          : null,
    eligibility: eligibility(
      {
        status: r.status,
        dutyStatus: r.duty_status,
        dutyStartedAt: r.duty_started_at === null ? null : new Date(r.duty_started_at),
        dutyMinutesToday: Number(r.duty_minutes_today ?? 0),
        onLiveAssignment: r.on_live_assignment,
        skills: r.skills ?? [],
        certificates,
      },
      now,
    ),
    taskPoints: Number(r.task_points ?? 0),
    deployments30d: Number(r.deployments_30d ?? 0),
    lastDeployedAt: r.last_deployed_at === null ? null : new Date(r.last_deployed_at).toISOString(),
  };
}

/** Pool officers from their rows (the background scan, which has no actor). */
export function poolOfficersFromRows(rows: readonly OfficerRow[], now: Date): PoolOfficer[] {
  return rows.map((r) => toPoolOfficer(r, now));
}

/** The jurisdiction's path, if the actor may `deployment.read` there (else not found). */
async function readableScope(ctx: RequestContext, jurisdictionId: string): Promise<string> {
  const state = await geoState(ctx.db);
  const j = state.jurisdictions.get(jurisdictionId);
  if (!j) throw new AppError('JURISDICTION_NOT_FOUND', `No jurisdiction ${jurisdictionId}.`, { jurisdictionId });
  authorize(ctx, 'deployment.read', { type: 'deployment_pool', id: jurisdictionId, jurisdictionPath: j.path });
  return j.path;
}

/** Every officer the actor may read in deployment terms, optionally under one jurisdiction path. */
export async function loadPoolOfficers(ctx: RequestContext, underPath?: string): Promise<PoolOfficer[]> {
  if (!ctx.actor) throw new AppError('UNAUTHENTICATED', 'Log in first: send Authorization: Bearer <token>.');
  const now = ctx.now();
  const scope = policyFilter(ctx.actor, 'deployment.read', { path: sql`j.path` }, { now });
  const where = underPath ? sql`${scope} and j.path like ${`${underPath}%`}` : scope;
  return (await officerRows(ctx.db, where)).map((r) => toPoolOfficer(r, now));
}

/** Configured or default minimum cover per region, given its on-duty officers. */
export async function minCoverByRegion(
  ctx: RequestContext,
  officers: readonly PoolOfficer[],
): Promise<Map<string, { onDuty: number; available: number; minCover: number }>> {
  const configured = await coverRows(ctx.db);
  const out = new Map<string, { onDuty: number; available: number; minCover: number }>();
  for (const o of officers) {
    let r = out.get(o.regionId);
    if (!r) out.set(o.regionId, (r = { onDuty: 0, available: 0, minCover: 0 }));
    if (o.eligibility.why === null || o.eligibility.why === 'over_hours') r.onDuty++;
    if (o.eligibility.eligible) r.available++;
  }
  for (const [id, r] of out) r.minCover = configured.get(id) ?? defaultMinCover(r.onDuty);
  return out;
}

/** The pool of a jurisdiction: officers by state and skill, equipment by kind/standard/status, cover. */
export async function poolSummary(ctx: RequestContext, jurisdictionId: string) {
  const path = await readableScope(ctx, jurisdictionId);
  const officers = await loadPoolOfficers(ctx, path);
  const byWhy: Record<string, number> = {};
  const bySkill: Record<string, number> = {};
  let eligible = 0;
  for (const o of officers) {
    if (o.eligibility.eligible) {
      eligible++;
      for (const s of o.eligibility.skills) bySkill[s] = (bySkill[s] ?? 0) + 1;
    } else byWhy[o.eligibility.why!] = (byWhy[o.eligibility.why!] ?? 0) + 1;
  }
  const regions = await minCoverByRegion(ctx, officers);
  let minCover = 0;
  let available = 0;
  for (const r of regions.values()) {
    minCover += r.minCover;
    available += r.available;
  }
  const scope = policyFilter(ctx.actor!, 'deployment.read', { path: sql`j.path` }, { now: ctx.now() });
  const equipment = await equipmentRows(ctx.db, sql`${scope} and j.path like ${`${path}%`}`);
  const kinds = new Map<string, { kind: string; standard: string | null; total: number; available: number }>();
  for (const e of equipment) {
    const key = `${e.kind}|${e.standard ?? ''}`;
    let k = kinds.get(key);
    if (!k) kinds.set(key, (k = { kind: e.kind, standard: e.standard, total: 0, available: 0 }));
    k.total++;
    if (e.status === 'available' && !e.committed) k.available++;
  }
  const fleet = await fleetCounts(ctx.db, sql`${scope} and j.path like ${`${path}%`}`);
  const units = new Map<string, { type: string; total: number; available: number }>();
  for (const u of fleet.units) {
    let k = units.get(u.type);
    if (!k) units.set(u.type, (k = { type: u.type, total: 0, available: 0 }));
    k.total += Number(u.n);
    if (u.status === 'available') k.available += Number(u.n);
  }
  const vehicles = new Map<string, { kind: string; total: number; inService: number }>();
  for (const v of fleet.vehicles) {
    let k = vehicles.get(v.kind);
    if (!k) vehicles.set(v.kind, (k = { kind: v.kind, total: 0, inService: 0 }));
    k.total += Number(v.n);
    if (v.status === 'in_service') k.inService += Number(v.n);
  }
  return {
    jurisdictionId,
    units: [...units.values()],
    vehicles: [...vehicles.values()],
    officers: {
      total: officers.length,
      eligible,
      onTask: byWhy.on_task ?? 0,
      resting: byWhy.resting ?? 0,
      offDuty: (byWhy.off_duty ?? 0) + (byWhy.inactive ?? 0),
      overHours: byWhy.over_hours ?? 0,
    },
    bySkill,
    equipment: [...kinds.values()].sort((a, b) => a.kind.localeCompare(b.kind)),
    regions: [...regions.entries()].map(([regionId, r]) => ({
      regionId,
      ...r,
      lendable: Math.max(0, r.available - r.minCover),
    })),
    minCover,
    lendable: Math.max(0, available - minCover),
  };
}

/** Officers of a jurisdiction with their eligibility and why-not, optionally by skill or eligible only. */
export async function listPoolOfficers(
  ctx: RequestContext,
  q: { jurisdictionId: string; skill?: string; eligible?: boolean; limit: number },
): Promise<PoolOfficer[]> {
  const path = await readableScope(ctx, q.jurisdictionId);
  let officers = await loadPoolOfficers(ctx, path);
  if (q.skill) officers = officers.filter((o) => o.eligibility.skills.includes(q.skill!));
  if (q.eligible !== undefined) officers = officers.filter((o) => o.eligibility.eligible === q.eligible);
  return officers.slice(0, q.limit);
}

/** Sets a region's minimum cover (who may request deployments there may set it). */
export async function setMinCover(ctx: RequestContext, jurisdictionId: string, minOfficers: number): Promise<void> {
  await transaction(ctx, async (tx) => {
    const state = await geoState(tx.db);
    const j = state.jurisdictions.get(jurisdictionId);
    if (!j) throw new AppError('JURISDICTION_NOT_FOUND', `No jurisdiction ${jurisdictionId}.`, { jurisdictionId });
    const actor = authorize(tx, 'deployment.request', {
      type: 'deployment_pool',
      id: jurisdictionId,
      jurisdictionPath: j.path,
    });
    await upsertCover(tx.db, jurisdictionId, minOfficers, actor.userId);
    await recordAudit(tx, {
      action: 'deployment.cover',
      resourceType: 'jurisdiction',
      resourceId: jurisdictionId,
      outcome: 'success',
      jurisdictionId,
      payload: { minOfficers },
    });
  });
}
