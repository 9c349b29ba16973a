/** SQL for dispatch orders and stored recommendations. Knows nothing about HTTP or who is asking. */
import { sql, type SQL } from 'drizzle-orm';
import { query, type Executor } from '../../db/client.ts';

export const ORDER_STATUSES = ['sent', 'acknowledged', 'en_route', 'on_scene', 'released', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
/** Orders in these statuses hold their unit (a unit has at most one). */
export const ACTIVE_ORDER_STATUSES: readonly OrderStatus[] = ['sent', 'acknowledged', 'en_route', 'on_scene'];

export interface OrderRow extends Record<string, unknown> {
  id: string;
  incident_id: string;
  unit_id: string;
  call_sign: string;
  unit_path: string;
  unit_jurisdiction_id: string;
  status: OrderStatus;
  recommended: boolean;
  recommendation_id: string | null;
  override_reason: string | null;
  sent_by: string;
  sent_at: Date | string;
  acknowledged_at: Date | string | null;
  en_route_at: Date | string | null;
  on_scene_at: Date | string | null;
  released_at: Date | string | null;
  cancelled_at: Date | string | null;
  cancel_reason: string | null;
}

const SELECT = sql`select o.*, u.call_sign, j.path as unit_path, u.jurisdiction_id as unit_jurisdiction_id
  from dispatch_orders o join units u on u.id = o.unit_id join jurisdictions j on j.id = u.jurisdiction_id`;

const ACTIVE = sql`o.status in ('sent', 'acknowledged', 'en_route', 'on_scene')`;

const inList = (ids: readonly string[]): SQL =>
  sql`(${sql.join(
    ids.map((i) => sql`${i}`),
    sql`, `,
  )})`;

/** Inserts an order in status `sent`; returns its id. */
export async function insertOrder(
  db: Executor,
  o: {
    incidentId: string;
    unitId: string;
    recommended: boolean;
    recommendationId: string | null;
    overrideReason: string | null;
    sentBy: string;
    sentAt: Date;
  },
): Promise<string> {
  const [row] = await query<{ id: string }>(
    db,
    sql`insert into dispatch_orders (incident_id, unit_id, status, recommended, recommendation_id, override_reason,
          sent_by, sent_at)
        values (${o.incidentId}, ${o.unitId}, 'sent', ${o.recommended}, ${o.recommendationId}, ${o.overrideReason},
          ${o.sentBy}, ${o.sentAt.toISOString()})
        returning id`,
  );
  return row!.id;
}

/** One order (locked when `forUpdate`), or undefined. */
export async function findOrder(
  db: Executor,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<OrderRow | undefined> {
  const lock = opts.forUpdate ? sql` for update of o` : sql``;
  const [row] = await query<OrderRow>(db, sql`${SELECT} where o.id = ${id}${lock}`);
  return row;
}

/** Orders of the given incidents, oldest first. */
export async function ordersOfIncidents(db: Executor, incidentIds: readonly string[]): Promise<OrderRow[]> {
  if (incidentIds.length === 0) return [];
  return query<OrderRow>(db, sql`${SELECT} where o.incident_id in ${inList(incidentIds)} order by o.sent_at, o.id`);
}

/** Active orders of an incident (locked when `forUpdate`). */
export function activeOrdersOfIncident(
  db: Executor,
  incidentId: string,
  opts: { forUpdate?: boolean } = {},
): Promise<OrderRow[]> {
  const lock = opts.forUpdate ? sql` for update of o` : sql``;
  return query<OrderRow>(
    db,
    sql`${SELECT} where o.incident_id = ${incidentId} and ${ACTIVE} order by o.sent_at, o.id${lock}`,
  );
}

/** Active orders of the given units. */
export async function activeOrdersOfUnits(db: Executor, unitIds: readonly string[]): Promise<OrderRow[]> {
  if (unitIds.length === 0) return [];
  return query<OrderRow>(db, sql`${SELECT} where o.unit_id in ${inList(unitIds)} and ${ACTIVE}`);
}

/**
 * Active orders of units still on their way (sent, acknowledged, en route) whose incident lies within
 * `radiusM` of the unit's reported point: candidates for automatic arrival. Distance by the equirectangular
 * approximation (exact enough at a few hundred metres).
 */
export async function ordersArrivingAt(
  db: Executor,
  fixes: readonly { unitId: string; lon: number; lat: number }[],
  radiusM: number,
): Promise<{ orderId: string; unitId: string; distanceM: number }[]> {
  if (fixes.length === 0) return [];
  const rows = await query<{ order_id: string; unit_id: string; distance_m: number }>(
    db,
    sql`with f as (
          select (x->>'unitId') as unit_id, (x->>'lon')::float8 as lon, (x->>'lat')::float8 as lat
            from jsonb_array_elements(${JSON.stringify(fixes)}::jsonb) x)
        select o.id as order_id, o.unit_id,
               6371008.8 * sqrt(power(radians(i.lon - f.lon) * cos(radians((i.lat + f.lat) / 2)), 2)
                                + power(radians(i.lat - f.lat), 2)) as distance_m
          from f join dispatch_orders o on o.unit_id = f.unit_id
          join incidents i on i.id = o.incident_id
         where o.status in ('sent', 'acknowledged', 'en_route') and i.lon is not null`,
  );
  return rows
    .filter((r) => Number(r.distance_m) <= radiusM)
    .map((r) => ({ orderId: r.order_id, unitId: r.unit_id, distanceM: Number(r.distance_m) }));
}

/** Moves an order to `status`, stamping the stage's time (and the cancel reason). */
export async function setOrderStatus(
  db: Executor,
  id: string,
  status: Exclude<OrderStatus, 'sent'>,
  at: Date,
  cancelReason?: string,
): Promise<void> {
  const column = {
    acknowledged: sql`acknowledged_at`,
    en_route: sql`en_route_at`,
    on_scene: sql`on_scene_at`,
    released: sql`released_at`,
    cancelled: sql`cancelled_at`,
  }[status];
  // A later stage reached directly (on scene without a separate en-route report) leaves the skipped stamps null.
  await db.execute(
    sql`update dispatch_orders set status = ${status}, ${column} = ${at.toISOString()}
          ${cancelReason === undefined ? sql`` : sql`, cancel_reason = ${cancelReason}`}
        where id = ${id}`,
  );
}

/** The active orders of the units crewed by login `userId` (the officer's app), with their incident ids. */
export async function activeOrdersOfCrewMember(db: Executor, userId: string): Promise<OrderRow[]> {
  return query<OrderRow>(
    db,
    sql`${SELECT} where ${ACTIVE} and o.unit_id in (
          select unit_id from officers where user_id::text = ${userId} and status = 'active' and unit_id is not null)
        order by o.sent_at`,
  );
}

/** Stores a recommendation as shown; returns its id. */
export async function insertRecommendation(
  db: Executor,
  r: { incidentId: string; unitIds: string[]; result: unknown; createdBy: string; at: Date },
): Promise<string> {
  const [row] = await query<{ id: string }>(
    db,
    sql`insert into incident_recommendations (incident_id, unit_ids, result, created_by, created_at)
        values (${r.incidentId}, ${sql`array[${sql.join(
          r.unitIds.map((u) => sql`${u}`),
          sql`, `,
        )}]::text[]`}, ${JSON.stringify(r.result)}::jsonb, ${r.createdBy}, ${r.at.toISOString()})
        returning id`,
  );
  return row!.id;
}

/** A stored recommendation's incident and recommended units, or undefined. */
export async function findRecommendation(
  db: Executor,
  id: string,
): Promise<{ incidentId: string; unitIds: string[] } | undefined> {
  const [row] = await query<{ incident_id: string; unit_ids: string[] | string }>(
    db,
    sql`select incident_id, unit_ids from incident_recommendations where id = ${id}`,
  );
  if (!row) return undefined;
  // node-postgres parses text[]; PGlite does too, but a literal '{a,b}' string is handled for safety.
  const ids = Array.isArray(row.unit_ids)
    ? row.unit_ids
    : row.unit_ids
        .replace(/^\{|\}$/g, '')
        .split(',')
        .filter(Boolean);
  return { incidentId: row.incident_id, unitIds: ids };
}
