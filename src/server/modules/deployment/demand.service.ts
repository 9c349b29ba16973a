/**
 * Demands for support: raised by a county or city by hand, or drafted automatically for the duty leader to
 * confirm when (a) a county's available strength falls more than 30% below what its open incidents and its
 * roster need, or (b) an incident of level III or above is open there. One automatic draft per county and cause
 * stays undecided at a time (a partial unique index), so a scan never floods the desk.
 */
import { sql } from 'drizzle-orm';
import { recordAudit, transaction, type RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { query } from '../../db/client.ts';
import { authorize, can } from '../policy/policy.ts';
import { policyFilter } from '../policy/policy.filter.ts';
import { CHINA_BBOX, assertValidCoordinates } from '../geo/index.ts';
import { geoState } from '../geo/geo.state.ts';
import { ALL_SKILLS } from './pool.eligibility.ts';
import { loadPoolOfficers, minCoverByRegion, poolOfficersFromRows } from './pool.service.ts';
import { officerRows } from './pool.repository.ts';
import { findDemand, insertDemand, listDemands, setDemandStatus, type DemandRow } from './demand.repository.ts';
import type { Resource } from '../policy/policy.ts';

export const EQUIPMENT_KINDS = ['body_camera', 'radio', 'taser', 'drone', 'bomb_robot', 'mobile_command_vehicle'];
/** A county's gap must exceed this share of its need for an automatic draft. */
export const STRENGTH_GAP_SHARE = 0.3;
/** Officers an open incident ties up, for the strength need. */
export const OFFICERS_PER_OPEN_INCIDENT = 2;
/** Incidents at this level or above (severity ≤ 3: I, II, III) draft a demand. */
export const AUTO_INCIDENT_SEVERITY = 3;

export interface DemandView {
  id: string;
  code: string;
  jurisdictionId: string;
  type: string;
  level: number;
  title: string;
  lon: number;
  lat: number;
  meetingPoint: string | null;
  headcount: number;
  requiredSkills: { skill: string; count: number }[];
  requiredEquipment: { kind: string; count: number; standard?: string }[];
  deadlineAt: string;
  expectedDurationMin: number;
  status: string;
  source: string;
  sourceDetail: unknown;
  incidentId: string | null;
  createdAt: string;
  confirmedAt: string | null;
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

export function presentDemand(d: DemandRow): DemandView {
  return {
    id: d.id,
    code: d.code,
    jurisdictionId: d.jurisdiction_id,
    type: d.type,
    level: Number(d.level),
    title: d.title,
    lon: Number(d.lon),
    lat: Number(d.lat),
    meetingPoint: d.meeting_point,
    headcount: Number(d.headcount),
    requiredSkills: json(d.required_skills),
    requiredEquipment: json(d.required_equipment),
    deadlineAt: new Date(d.deadline_at).toISOString(),
    expectedDurationMin: Number(d.expected_duration_min),
    status: d.status,
    source: d.source,
    sourceDetail: d.source_detail === null ? null : json(d.source_detail),
    incidentId: d.incident_id,
    createdAt: new Date(d.created_at).toISOString(),
    confirmedAt: d.confirmed_at === null ? null : new Date(d.confirmed_at).toISOString(),
  };
}

/** The policy resource of a demand (task grants name it `deployment:<id>`). */
export function demandResource(d: { id: string; path: string }): Resource {
  return { type: 'deployment', id: d.id, jurisdictionPath: d.path, taskRefs: [`deployment:${d.id}`] };
}

/** A demand the actor may read, else DEMAND_NOT_FOUND. */
export async function getDemand(ctx: RequestContext, id: string, opts: { forUpdate?: boolean } = {}) {
  if (!ctx.actor) throw new AppError('UNAUTHENTICATED', 'Log in first: send Authorization: Bearer <token>.');
  const d = await findDemand(ctx.db, id, opts);
  if (!d || !can(ctx.actor, 'deployment.read', demandResource(d), { now: ctx.now() })) {
    throw new AppError('DEMAND_NOT_FOUND', 'No such deployment demand for you; check the id.', { id });
  }
  return d;
}

export interface DemandInput {
  jurisdictionId: string;
  type: string;
  level: number;
  title: string;
  lon: number;
  lat: number;
  meetingPoint?: string;
  headcount: number;
  requiredSkills?: { skill: string; count: number }[];
  requiredEquipment?: { kind: string; count: number; standard?: string }[];
  deadlineAt: string;
  expectedDurationMin: number;
  incidentId?: string;
}

function checkDemand(body: DemandInput, now: Date): void {
  const skills = body.requiredSkills ?? [];
  const unknown = skills.map((s) => s.skill).filter((s) => !ALL_SKILLS.includes(s));
  if (unknown.length) {
    throw new AppError('VALIDATION_FAILED', `Unknown skill(s): ${unknown.join(', ')}.`, {
      in: 'body',
      field: 'requiredSkills',
      known: ALL_SKILLS,
    });
  }
  if (new Set(skills.map((s) => s.skill)).size !== skills.length) {
    throw new AppError('VALIDATION_FAILED', 'List each skill once, with its count.', {
      in: 'body',
      field: 'requiredSkills',
    });
  }
  if (skills.reduce((n, s) => n + s.count, 0) > body.headcount) {
    throw new AppError('VALIDATION_FAILED', 'The skills ask for more officers than the head-count.', {
      in: 'body',
      field: 'headcount',
    });
  }
  const kinds = (body.requiredEquipment ?? []).map((e) => e.kind).filter((k) => !EQUIPMENT_KINDS.includes(k));
  if (kinds.length) {
    throw new AppError('VALIDATION_FAILED', `Unknown equipment kind(s): ${kinds.join(', ')}.`, {
      in: 'body',
      field: 'requiredEquipment',
      known: EQUIPMENT_KINDS,
    });
  }
  const deadline = Date.parse(body.deadlineAt);
  if (deadline <= now.getTime() || deadline > now.getTime() + 7 * 86_400_000) {
    throw new AppError('VALIDATION_FAILED', 'deadlineAt must lie in the next 7 days.', {
      in: 'body',
      field: 'deadlineAt',
    });
  }
  assertValidCoordinates(body.lon, body.lat, { within: CHINA_BBOX, label: 'demand location' });
}

/** Raises a demand by hand (open at once: the requester is the one who decides). */
export async function createDemand(ctx: RequestContext, body: DemandInput): Promise<DemandView> {
  if (!ctx.actor) throw new AppError('UNAUTHENTICATED', 'Log in first: send Authorization: Bearer <token>.');
  checkDemand(body, ctx.now());
  return transaction(ctx, async (tx) => {
    const state = await geoState(tx.db);
    const j = state.jurisdictions.get(body.jurisdictionId);
    if (!j || (j.level !== 'county' && j.level !== 'city')) {
      throw new AppError('VALIDATION_FAILED', 'A demand is raised by a county or a city: give its id.', {
        in: 'body',
        field: 'jurisdictionId',
      });
    }
    const actor = authorize(tx, 'deployment.request', { type: 'deployment', jurisdictionPath: j.path });
    const now = tx.now();
    const id = (await insertDemand(tx.db, {
      jurisdictionId: body.jurisdictionId,
      type: body.type,
      level: body.level,
      title: body.title,
      lon: body.lon,
      lat: body.lat,
      meetingPoint: body.meetingPoint ?? null,
      headcount: body.headcount,
      requiredSkills: body.requiredSkills ?? [],
      requiredEquipment: body.requiredEquipment ?? [],
      deadlineAt: new Date(body.deadlineAt),
      expectedDurationMin: body.expectedDurationMin,
      status: 'open',
      source: 'manual',
      sourceDetail: null,
      incidentId: body.incidentId ?? null,
      createdBy: actor.userId,
      createdAt: now,
    }))!;
    const d = (await findDemand(tx.db, id))!;
    await recordAudit(tx, {
      action: 'deployment.demand.create',
      resourceType: 'deployment_demand',
      resourceId: id,
      outcome: 'success',
      jurisdictionId: body.jurisdictionId,
      payload: { demandId: id, code: d.code, level: body.level, headcount: body.headcount },
    });
    return presentDemand(d);
  });
}

/** Demands the actor may read (role scope or task grant), most urgent first. */
export async function listVisibleDemands(
  ctx: RequestContext,
  q: { status?: string; limit: number },
): Promise<DemandView[]> {
  if (!ctx.actor) throw new AppError('UNAUTHENTICATED', 'Log in first: send Authorization: Bearer <token>.');
  const where = policyFilter(
    ctx.actor,
    'deployment.read',
    { path: sql`j.path`, taskRefs: sql`array['deployment:' || d.id]::text[]` },
    { now: ctx.now() },
  );
  const rows = await listDemands(ctx.db, q.status ? sql`${where} and d.status = ${q.status}` : where, q.limit);
  return rows.map(presentDemand);
}

/** The duty leader confirms an automatic draft (draft → open) or cancels a demand. */
export async function decideDemand(
  ctx: RequestContext,
  id: string,
  decision: { confirm: true } | { cancel: string },
): Promise<DemandView> {
  return transaction(ctx, async (tx) => {
    const d = await getDemand(tx, id, { forUpdate: true });
    const actor = authorize(tx, 'deployment.request', demandResource(d));
    const now = tx.now();
    if ('confirm' in decision) {
      if (d.status !== 'draft') {
        throw new AppError('DEMAND_BAD_STATE', `Only a draft can be confirmed; this demand is ${d.status}.`, {
          status: d.status,
        });
      }
      await setDemandStatus(tx.db, id, 'open', { by: actor.userId, at: now });
    } else {
      if (!['draft', 'open', 'planned'].includes(d.status)) {
        throw new AppError('DEMAND_BAD_STATE', `A demand that is ${d.status} cannot be cancelled here.`, {
          status: d.status,
        });
      }
      await setDemandStatus(tx.db, id, 'cancelled', { at: now });
      await tx.db.execute(
        sql`update deployment_plans set status = 'superseded' where status = 'proposed' and ${id} = any(demand_ids)`,
      );
    }
    await recordAudit(tx, {
      action: 'confirm' in decision ? 'deployment.demand.confirm' : 'deployment.demand.cancel',
      resourceType: 'deployment_demand',
      resourceId: id,
      outcome: 'success',
      jurisdictionId: d.jurisdiction_id,
      payload: { demandId: id, ...('cancel' in decision ? { reason: decision.cancel } : {}) },
    });
    return presentDemand((await findDemand(tx.db, id))!);
  });
}

/** The need and strength of one county, for the gap rule. */
export function strengthGap(available: number, openIncidents: number, rosterMin: number) {
  const needed = openIncidents * OFFICERS_PER_OPEN_INCIDENT + rosterMin;
  const gap = needed - available;
  return {
    needed,
    available,
    gap,
    share: needed === 0 ? 0 : gap / needed,
    triggers: needed > 0 && gap / needed > STRENGTH_GAP_SHARE,
  };
}

/**
 * Drafts demands where the rules say so, for every county under the actor's `deployment.read` scope (or all,
 * for the background job's system context). Returns the drafts created now.
 */
export async function scanForDrafts(ctx: RequestContext): Promise<DemandView[]> {
  const state = await geoState(ctx.db);
  const now = ctx.now();
  const counties = [...state.jurisdictions.values()].filter(
    (j) =>
      j.level === 'county' &&
      (ctx.actor === null ||
        can(ctx.actor, 'deployment.read', { type: 'deployment', jurisdictionPath: j.path }, { now })),
  );
  if (counties.length === 0) return [];
  const officers = ctx.actor
    ? await loadPoolOfficers(ctx)
    : poolOfficersFromRows(await officerRows(ctx.db, sql`true`), now);
  const regions = await minCoverByRegion(ctx, officers);
  const incidents = await query<{
    county: string;
    n: number;
    worst: number;
    worst_id: string;
    lon: number;
    lat: number;
  }>(
    ctx.db,
    sql`select split_part(j.path, '/', 4) as county, count(*)::int as n, min(i.severity)::int as worst,
               (array_agg(i.id order by i.severity, i.reported_at))[1] as worst_id,
               (array_agg(i.lon order by i.severity, i.reported_at))[1] as lon,
               (array_agg(i.lat order by i.severity, i.reported_at))[1] as lat
          from incidents i join jurisdictions j on j.id = i.jurisdiction_id
         where not i.historical and i.status not in ('closed', 'cancelled') and i.lon is not null
         group by 1`,
  );
  const byCounty = new Map(incidents.map((r) => [r.county, r]));
  const created: DemandView[] = [];
  for (const c of counties) {
    const region = regions.get(c.id) ?? { onDuty: 0, available: 0, minCover: 0 };
    const inc = byCounty.get(c.id);
    const gap = strengthGap(region.available, inc?.n ?? 0, region.minCover);
    const station = [...state.jurisdictions.values()].find((j) => j.parentId === c.id && j.level === 'station');
    const at = inc ? { lon: Number(inc.lon), lat: Number(inc.lat) } : null;
    const drafts: Parameters<typeof insertDemand>[1][] = [];
    const base = {
      jurisdictionId: c.id,
      meetingPoint: station ? station.name : null,
      requiredEquipment: [],
      status: 'draft' as const,
      createdBy: null,
      createdAt: now,
    };
    if (gap.triggers && at) {
      drafts.push({
        ...base,
        type: 'strength_gap',
        level: 4,
        title: `${c.name}警力缺口 ${gap.gap} 人（${Math.round(gap.share * 100)}%）`,
        ...at,
        headcount: Math.min(500, gap.gap),
        requiredSkills: [],
        deadlineAt: new Date(now.getTime() + 60 * 60_000),
        expectedDurationMin: 240,
        source: 'auto_strength_gap',
        sourceDetail: gap,
        incidentId: null,
      });
    }
    if (inc && inc.worst <= AUTO_INCIDENT_SEVERITY && at) {
      const level = inc.worst as 1 | 2 | 3;
      drafts.push({
        ...base,
        type: 'incident',
        level,
        title: `${c.name} ${['', 'I', 'II', 'III'][level]} 级警情增援`,
        ...at,
        headcount: level === 1 ? 30 : level === 2 ? 15 : 6,
        requiredSkills: level <= 2 ? [{ skill: 'riot_control', count: level === 1 ? 6 : 3 }] : [],
        deadlineAt: new Date(now.getTime() + (level <= 2 ? 30 : 60) * 60_000),
        expectedDurationMin: 180,
        source: 'auto_incident',
        sourceDetail: { incidentId: inc.worst_id, severity: inc.worst, openIncidents: inc.n },
        incidentId: inc.worst_id,
      });
    }
    if (drafts.length === 0) continue;
    await transaction(ctx, async (tx) => {
      for (const d of drafts) {
        const id = await insertDemand(tx.db, d);
        if (id === null) continue; // an undecided draft for this county and cause exists
        await recordAudit(tx, {
          action: 'deployment.demand.draft',
          resourceType: 'deployment_demand',
          resourceId: id,
          outcome: 'success',
          jurisdictionId: c.id,
          payload: { demandId: id, source: d.source, detail: d.sourceDetail },
        });
        created.push(presentDemand((await findDemand(tx.db, id))!));
      }
    });
  }
  return created;
}
