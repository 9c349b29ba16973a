/** SQL for incidents, their callers, timeline and alerts. Knows nothing about HTTP or who is asking. */
import { sql, type SQL } from 'drizzle-orm';
import { query, type Executor } from '../../db/client.ts';
import type { IncidentStatus } from './incident.lifecycle.ts';

/** An incident as the domain sees it (with its jurisdiction path, for the policy). */
export interface Incident {
  id: string;
  queryCode: string | null;
  category: string;
  subType: string;
  severity: number;
  priority: number | null;
  status: IncidentStatus;
  channel: string;
  description: string | null;
  address: string | null;
  addressId: string | null;
  lon: number | null;
  lat: number | null;
  jurisdictionId: string;
  jurisdictionPath: string;
  receivedAt: Date;
  gradingRules: string[];
  /** Set on a duplicate merged into another incident. */
  mergedInto: string | null;
}

export interface Caller {
  incidentId: string;
  name: string | null;
  phone: string | null;
  channel: string;
  calledAt: Date;
}

interface IncidentRow extends Record<string, unknown> {
  id: string;
  query_code: string | null;
  category: string;
  sub_type: string;
  severity: number;
  priority: number | null;
  status: IncidentStatus;
  channel: string;
  description: string | null;
  address: string | null;
  address_id: string | null;
  lon: number | null;
  lat: number | null;
  jurisdiction_id: string;
  path: string;
  reported_at: Date | string;
  grading: { rules?: string[] } | string | null;
  merged_into: string | null;
}

function rowToIncident(r: IncidentRow): Incident {
  const grading = typeof r.grading === 'string' ? (JSON.parse(r.grading) as { rules?: string[] }) : r.grading;
  return {
    id: r.id,
    queryCode: r.query_code,
    category: r.category,
    subType: r.sub_type,
    severity: Number(r.severity),
    priority: r.priority === null ? null : Number(r.priority),
    status: r.status,
    channel: r.channel,
    description: r.description,
    address: r.address,
    addressId: r.address_id,
    lon: r.lon === null ? null : Number(r.lon),
    lat: r.lat === null ? null : Number(r.lat),
    jurisdictionId: r.jurisdiction_id,
    jurisdictionPath: r.path,
    receivedAt: new Date(r.reported_at),
    gradingRules: grading?.rules ?? [],
    mergedInto: r.merged_into,
  };
}

const SELECT = sql`select i.id, i.query_code, i.category, i.sub_type, i.severity, i.priority, i.status, i.channel,
  i.description, i.address, i.address_id, i.lon, i.lat, i.jurisdiction_id, j.path, i.reported_at, i.grading,
  i.merged_into
  from incidents i join jurisdictions j on j.id = i.jurisdiction_id`;

export interface NewIncident {
  queryCode: string;
  category: string;
  subType: string;
  severity: number;
  priority: number;
  channel: string;
  description: string;
  address: string | null;
  addressId: string | null;
  lon: number | null;
  lat: number | null;
  jurisdictionId: string;
  receivedAt: Date;
  createdBy: string;
  gradingRules: string[];
}

/** Inserts a live incident in status `received`; returns its id. */
export async function insertIncident(db: Executor, n: NewIncident): Promise<string> {
  const [row] = await query<{ id: string }>(
    db,
    sql`insert into incidents (query_code, category, sub_type, severity, priority, status, historical, channel,
          reported_at, lon, lat, address_id, address, description, jurisdiction_id, created_by, grading)
        values (${n.queryCode}, ${n.category}, ${n.subType}, ${n.severity}, ${n.priority}, 'received', false,
          ${n.channel}, ${n.receivedAt.toISOString()}, ${n.lon}, ${n.lat}, ${n.addressId}, ${n.address},
          ${n.description}, ${n.jurisdictionId}, ${n.createdBy}, ${JSON.stringify({ rules: n.gradingRules })}::jsonb)
        returning id`,
  );
  return row!.id;
}

/** One incident by id, or undefined. */
export async function findIncident(
  db: Executor,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<Incident | undefined> {
  const lock = opts.forUpdate ? sql` for update of i` : sql``;
  const [row] = await query<IncidentRow>(db, sql`${SELECT} where i.id = ${id}${lock}`);
  return row ? rowToIncident(row) : undefined;
}

/** One incident by its public query code. */
export async function findByQueryCode(db: Executor, code: string): Promise<Incident | undefined> {
  const [row] = await query<IncidentRow>(db, sql`${SELECT} where i.query_code = ${code}`);
  return row ? rowToIncident(row) : undefined;
}

/** Live incidents matching `where` (a policy filter over `j.path`), newest first. */
export async function listIncidents(
  db: Executor,
  where: SQL,
  filter: { status?: string; jurisdictionId?: string; limit: number },
): Promise<Incident[]> {
  const parts: SQL[] = [sql`not i.historical`, where];
  if (filter.status) parts.push(sql`i.status = ${filter.status}`);
  if (filter.jurisdictionId) parts.push(sql`i.jurisdiction_id like ${`${filter.jurisdictionId}%`}`);
  const rows = await query<IncidentRow>(
    db,
    sql`${SELECT} where ${sql.join(parts, sql` and `)} order by i.reported_at desc, i.id limit ${filter.limit}`,
  );
  return rows.map(rowToIncident);
}

/** Open live incidents received since `since` that have coordinates (duplicate candidates). */
export async function openIncidentsSince(
  db: Executor,
  since: Date,
  categories: readonly string[],
): Promise<Incident[]> {
  const rows = await query<IncidentRow>(
    db,
    sql`${SELECT} where not i.historical and i.status not in ('closed', 'cancelled') and i.lon is not null
        and i.reported_at >= ${since.toISOString()} and i.category in (${sql.join(
          categories.map((c) => sql`${c}`),
          sql`, `,
        )})`,
  );
  return rows.map(rowToIncident);
}

/** Incidents (historical included) at `addressId` since `since`. */
export async function countAtAddress(db: Executor, addressId: string, since: Date): Promise<number> {
  const [row] = await query<{ n: number }>(
    db,
    sql`select count(*)::int as n from incidents where address_id = ${addressId} and reported_at >= ${since.toISOString()}`,
  );
  return Number(row!.n);
}

/** Adds a caller to an incident. */
export async function insertCaller(db: Executor, c: Caller): Promise<void> {
  await db.execute(
    sql`insert into incident_callers (incident_id, name, phone, channel, called_at)
        values (${c.incidentId}, ${c.name}, ${c.phone}, ${c.channel}, ${c.calledAt.toISOString()})`,
  );
}

/** Callers of the given incidents, in call order. */
export async function callersOf(db: Executor, ids: string[]): Promise<Caller[]> {
  if (ids.length === 0) return [];
  const rows = await query<{
    incident_id: string;
    name: string | null;
    phone: string | null;
    channel: string;
    called_at: Date | string;
  }>(
    db,
    sql`select incident_id, name, phone, channel, called_at from incident_callers
        where incident_id in (${sql.join(
          ids.map((i) => sql`${i}`),
          sql`, `,
        )}) order by called_at, id`,
  );
  return rows.map((r) => ({
    incidentId: r.incident_id,
    name: r.name,
    phone: r.phone,
    channel: r.channel,
    calledAt: new Date(r.called_at),
  }));
}

/** Sets status and/or grade. */
export async function updateIncident(
  db: Executor,
  id: string,
  patch: {
    status?: IncidentStatus;
    severity?: number;
    priority?: number;
    closedAt?: Date | null;
    disposition?: string | null;
    resultCode?: string | null;
  },
): Promise<void> {
  const sets: SQL[] = [];
  if (patch.disposition !== undefined) sets.push(sql`disposition = ${patch.disposition}`);
  if (patch.resultCode !== undefined) sets.push(sql`result_code = ${patch.resultCode}`);
  if (patch.status !== undefined) sets.push(sql`status = ${patch.status}`);
  if (patch.severity !== undefined) sets.push(sql`severity = ${patch.severity}`);
  if (patch.priority !== undefined) sets.push(sql`priority = ${patch.priority}`);
  if (patch.closedAt !== undefined) sets.push(sql`closed_at = ${patch.closedAt ? patch.closedAt.toISOString() : null}`);
  if (sets.length === 0) return;
  await db.execute(sql`update incidents set ${sql.join(sets, sql`, `)} where id = ${id}`);
}

export interface TimelineEntry {
  kind: string;
  fromStatus: string | null;
  toStatus: string | null;
  note: string | null;
  actorId: string | null;
  at: Date;
}

/** Appends to an incident's timeline. */
export async function appendEvent(db: Executor, incidentId: string, e: TimelineEntry): Promise<void> {
  await db.execute(
    sql`insert into incident_events (incident_id, kind, from_status, to_status, note, actor_id, at)
        values (${incidentId}, ${e.kind}, ${e.fromStatus}, ${e.toStatus}, ${e.note}, ${e.actorId}, ${e.at.toISOString()})`,
  );
}

/** An incident's timeline, oldest first. */
export async function timelineOf(db: Executor, incidentId: string): Promise<TimelineEntry[]> {
  const rows = await query<{
    kind: string;
    from_status: string | null;
    to_status: string | null;
    note: string | null;
    actor_id: string | null;
    at: Date | string;
  }>(
    db,
    sql`select kind, from_status, to_status, note, actor_id, at from incident_events where incident_id = ${incidentId} order by id`,
  );
  return rows.map((r) => ({
    kind: r.kind,
    fromStatus: r.from_status,
    toStatus: r.to_status,
    note: r.note,
    actorId: r.actor_id,
    at: new Date(r.at),
  }));
}

/** Opens a duty-leader alert; returns its id. */
export async function insertAlert(
  db: Executor,
  a: { incidentId: string; jurisdictionId: string; reason: string; at: Date },
): Promise<string> {
  const [row] = await query<{ id: string }>(
    db,
    sql`insert into incident_alerts (incident_id, jurisdiction_id, reason, created_at)
        values (${a.incidentId}, ${a.jurisdictionId}, ${a.reason}, ${a.at.toISOString()}) returning id`,
  );
  return row!.id;
}

/** Acknowledges an open alert of the incident; false when there is none with that id. */
export async function ackAlert(
  db: Executor,
  incidentId: string,
  alertId: string,
  by: string,
  at: Date,
): Promise<boolean> {
  const rows = await query<{ id: string }>(
    db,
    sql`update incident_alerts set acked_by = ${by}, acked_at = ${at.toISOString()}
        where id = ${alertId} and incident_id = ${incidentId} and acked_at is null returning id`,
  );
  return rows.length === 1;
}

/** Alert ids of an incident with their ack state. */
export async function alertsOf(db: Executor, incidentId: string): Promise<{ id: string; acked: boolean }[]> {
  const rows = await query<{ id: string; acked: boolean }>(
    db,
    sql`select id, acked_at is not null as acked from incident_alerts where incident_id = ${incidentId} order by created_at, id`,
  );
  return rows;
}

/** Copies every caller of `fromId` to `toId` (the duplicate keeps its own rows for the record). */
export async function copyCallers(db: Executor, fromId: string, toId: string): Promise<number> {
  const rows = await query<{ id: string }>(
    db,
    sql`insert into incident_callers (incident_id, name, phone, channel, called_at)
        select ${toId}, name, phone, channel, called_at from incident_callers where incident_id = ${fromId}
        returning id`,
  );
  return rows.length;
}

/** Marks `dupId` as merged into `keepId` and cancelled at `at`. */
export async function markMerged(db: Executor, dupId: string, keepId: string, at: Date): Promise<void> {
  await db.execute(
    sql`update incidents set merged_into = ${keepId}, status = 'cancelled', closed_at = ${at.toISOString()} where id = ${dupId}`,
  );
}

/** Open live incidents matching `where`, most urgent first (priority, then the longest wait). */
export async function openIncidents(db: Executor, where: SQL, limit: number): Promise<Incident[]> {
  const rows = await query<IncidentRow>(
    db,
    sql`${SELECT} where not i.historical and i.status not in ('closed', 'cancelled') and ${where}
        order by coalesce(i.priority, 5), i.reported_at, i.id limit ${limit}`,
  );
  return rows.map(rowToIncident);
}

/** When each incident first reached each status (from the timeline). */
export async function stageTimesOf(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, Partial<Record<IncidentStatus, Date>>>> {
  const out = new Map<string, Partial<Record<IncidentStatus, Date>>>();
  if (ids.length === 0) return out;
  const rows = await query<{ incident_id: string; to_status: IncidentStatus; at: Date | string }>(
    db,
    sql`select incident_id, to_status, min(at) as at from incident_events
         where kind = 'status' and to_status is not null and incident_id in (${sql.join(
           ids.map((i) => sql`${i}`),
           sql`, `,
         )})
         group by incident_id, to_status`,
  );
  for (const r of rows) {
    let m = out.get(r.incident_id);
    if (!m) out.set(r.incident_id, (m = {}));
    m[r.to_status] = new Date(r.at);
  }
  return out;
}

export interface AttachmentMeta {
  id: string;
  incidentId: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: Date;
}

/** Stores an attachment; returns its metadata. */
export async function insertAttachment(
  db: Executor,
  a: { incidentId: string; fileName: string; contentType: string; data: Buffer; sha256: string; by: string; at: Date },
): Promise<AttachmentMeta> {
  const [row] = await query<{ id: string }>(
    db,
    sql`insert into incident_attachments (incident_id, file_name, content_type, size_bytes, sha256, data, created_by,
          created_at)
        values (${a.incidentId}, ${a.fileName}, ${a.contentType}, ${a.data.length}, ${a.sha256},
          decode(${a.data.toString('base64')}, 'base64'), ${a.by}, ${a.at.toISOString()})
        returning id`,
  );
  return {
    id: row!.id,
    incidentId: a.incidentId,
    fileName: a.fileName,
    contentType: a.contentType,
    size: a.data.length,
    sha256: a.sha256,
    createdAt: a.at,
  };
}

interface AttachmentRow extends Record<string, unknown> {
  id: string;
  incident_id: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  created_at: Date | string;
}

const toMeta = (r: AttachmentRow): AttachmentMeta => ({
  id: r.id,
  incidentId: r.incident_id,
  fileName: r.file_name,
  contentType: r.content_type,
  size: Number(r.size_bytes),
  sha256: r.sha256,
  createdAt: new Date(r.created_at),
});

/** An incident's attachments (metadata only), oldest first. */
export async function attachmentsOf(db: Executor, incidentId: string): Promise<AttachmentMeta[]> {
  const rows = await query<AttachmentRow>(
    db,
    sql`select id, incident_id, file_name, content_type, size_bytes, sha256, created_at from incident_attachments
         where incident_id = ${incidentId} order by created_at, id`,
  );
  return rows.map(toMeta);
}

/** One attachment with its content, or undefined. */
export async function attachmentContent(
  db: Executor,
  incidentId: string,
  id: string,
): Promise<(AttachmentMeta & { data: Buffer }) | undefined> {
  const [row] = await query<AttachmentRow & { b64: string }>(
    db,
    sql`select id, incident_id, file_name, content_type, size_bytes, sha256, created_at,
               encode(data, 'base64') as b64
          from incident_attachments where incident_id = ${incidentId} and id = ${id}`,
  );
  return row ? { ...toMeta(row), data: Buffer.from(row.b64.replace(/\s+/g, ''), 'base64') } : undefined;
}

/** Links two incidents (idempotent); returns whether a new link was made. */
export async function insertLink(
  db: Executor,
  a: string,
  b: string,
  e: { note: string | null; by: string; at: Date },
): Promise<boolean> {
  const [lo, hi] = a < b ? [a, b] : [b, a];
  const rows = await query<{ incident_id: string }>(
    db,
    sql`insert into incident_links (incident_id, linked_id, note, created_by, created_at)
        values (${lo}, ${hi}, ${e.note}, ${e.by}, ${e.at.toISOString()})
        on conflict do nothing returning incident_id`,
  );
  return rows.length === 1;
}

/** Ids of the incidents linked to `id`. */
export async function linksOf(db: Executor, id: string): Promise<string[]> {
  const rows = await query<{ other: string }>(
    db,
    sql`select linked_id as other from incident_links where incident_id = ${id}
        union select incident_id as other from incident_links where linked_id = ${id} order by other`,
  );
  return rows.map((r) => r.other);
}
