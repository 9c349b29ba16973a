/**
 * What leaves the server about an incident. Caller name and phone are core-grade (需 `incident.read_sensitive:core`
 * on the incident), the address and exact coordinates important-grade; everything else is visible to whoever
 * may read the incident. Every reveal of core-grade caller data is audited (`incident.read_core`), like users.
 * The public progress view is built here too, from stage names and times only.
 */
import { recordAudit, type RequestContext } from '../../context.ts';
import type { SensitivityGrade } from '../../../contracts/roles.ts';
import { maskAddress, maskPhone, visibleGrades } from '../policy/policy.masking.ts';
import type { Resource } from '../policy/policy.ts';
import { callersOf, type Caller, type Incident, type TimelineEntry } from './incident.repository.ts';
import type { IncidentView, ProgressResponse } from './incident.schemas.ts';
import type { IncidentStatus } from './incident.lifecycle.ts';

/** The policy resource an incident is. */
export function incidentResource(i: Pick<Incident, 'id' | 'jurisdictionPath'>): Resource {
  return { type: 'incident', id: i.id, jurisdictionPath: i.jurisdictionPath, taskRefs: [`incident:${i.id}`] };
}

/** `张三` → `张*`; keeps the family name only. */
export function maskName(value: string): string {
  const chars = [...value];
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}

/** One incident as `grades` allows (pure; no audit). */
export function maskIncident(i: Incident, callers: Caller[], grades: Set<SensitivityGrade>): IncidentView {
  const core = grades.has('core');
  const important = grades.has('important');
  const masked: string[] = [];
  if (!core && callers.some((c) => c.name !== null || c.phone !== null)) masked.push('callers');
  if (!important && i.address !== null) masked.push('address');
  if (!important && i.lon !== null) masked.push('location');
  // Without the important grade the location is rounded to ~1 km, enough for a map overview.
  const coarse = (v: number | null) => (v === null ? null : important ? v : Math.round(v * 100) / 100);
  return {
    id: i.id,
    queryCode: i.queryCode,
    category: i.category,
    subType: i.subType,
    severity: i.severity,
    priority: i.priority,
    status: i.status,
    channel: i.channel,
    description: i.description,
    address: i.address === null ? null : important ? i.address : maskAddress(i.address),
    lon: coarse(i.lon),
    lat: coarse(i.lat),
    jurisdictionId: i.jurisdictionId,
    receivedAt: i.receivedAt.toISOString(),
    gradingRules: i.gradingRules,
    callers: callers.map((c) => ({
      name: c.name === null ? null : core ? c.name : maskName(c.name),
      phone: c.phone === null ? null : core ? c.phone : maskPhone(c.phone),
      channel: c.channel,
      calledAt: c.calledAt.toISOString(),
    })),
    masked,
  };
}

/** Presents incidents for `ctx.actor`, auditing every reveal of core-grade caller data. */
export async function presentIncidents(
  ctx: RequestContext,
  incidents: Incident[],
  via: string,
): Promise<IncidentView[]> {
  const now = ctx.now();
  const callers = await callersOf(
    ctx.db,
    incidents.map((i) => i.id),
  );
  const out: IncidentView[] = [];
  for (const i of incidents) {
    const mine = callers.filter((c) => c.incidentId === i.id);
    const grades = visibleGrades(ctx.actor, incidentResource(i), now);
    if (grades.has('core') && mine.some((c) => c.name !== null || c.phone !== null)) {
      await recordAudit(ctx, {
        action: 'incident.read_core',
        resourceType: 'incident',
        resourceId: i.id,
        outcome: 'success',
        jurisdictionId: i.jurisdictionId,
        payload: { fields: ['callers'], via },
      });
    }
    out.push(maskIncident(i, mine, grades));
  }
  return out;
}

/**
 * The caller's view: the stages reached and when, nothing else — no identities, addresses, notes, ids or
 * grades. Built field by field from the timeline so nothing can slip through by spreading a row.
 */
export function presentProgress(
  i: Pick<Incident, 'status' | 'receivedAt'>,
  timeline: TimelineEntry[],
): ProgressResponse {
  const stages: { stage: IncidentStatus; at: string }[] = [];
  for (const e of timeline) {
    if (e.kind === 'status' && e.toStatus !== null) {
      stages.push({ stage: e.toStatus as IncidentStatus, at: e.at.toISOString() });
    }
  }
  if (stages.length === 0) stages.push({ stage: 'received', at: i.receivedAt.toISOString() });
  return { stages, current: i.status };
}
