/**
 * The endpoints the officer field view calls (shapes mirror src/server/modules/dispatch/*.schemas.ts and
 * incidents/incident.schemas.ts). Writes carry an Idempotency-Key chosen per user action (see ActionKeys).
 */
import { ApiError } from '../../../app/http.ts';
import { authedJson, postIdempotent } from '../../auth/state/session.store.ts';
import type { OrderStatus } from '../utils/order.actions.ts';

export interface Order {
  id: string;
  incidentId: string;
  unitId: string;
  callSign: string;
  status: OrderStatus;
  recommended: boolean;
  overrideReason: string | null;
  sentAt: string;
  acknowledgedAt: string | null;
  enRouteAt: string | null;
  onSceneAt: string | null;
  releasedAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
}

/** The parts of the server's IncidentView the field view shows. */
export interface FieldIncident {
  id: string;
  category: string;
  subType: string;
  severity: number;
  priority: number | null;
  status: string;
  description: string | null;
  address: string | null;
  lon: number | null;
  lat: number | null;
  receivedAt: string;
}

export interface MyOrder {
  order: Order;
  incident: FieldIncident;
}

/** GET /api/dispatch/orders/mine: the active orders of the caller's unit. */
export async function fetchMyOrders(signal?: AbortSignal): Promise<MyOrder[]> {
  return (await authedJson<{ items: MyOrder[] }>('/api/dispatch/orders/mine', { signal })).items;
}

/** POST /api/dispatch/orders/{id}/ack */
export function acknowledgeOrder(orderId: string, key: string): Promise<Order> {
  return postIdempotent<Order>(`/api/dispatch/orders/${encodeURIComponent(orderId)}/ack`, {}, key);
}

/** POST /api/dispatch/orders/{id}/status */
export function setOrderStatus(
  orderId: string,
  status: 'en_route' | 'on_scene' | 'released',
  key: string,
): Promise<Order> {
  return postIdempotent<Order>(`/api/dispatch/orders/${encodeURIComponent(orderId)}/status`, { status }, key);
}

/** POST /api/incidents/{id}/notes */
export function addNote(incidentId: string, text: string, key: string): Promise<unknown> {
  return postIdempotent(`/api/incidents/${encodeURIComponent(incidentId)}/notes`, { text }, key);
}

/** POST /api/incidents/{id}/attachments (base64 body). */
export function addAttachment(
  incidentId: string,
  photo: { fileName: string; contentType: string; dataBase64: string },
  key: string,
): Promise<{ id: string; sha256: string; size: number }> {
  return postIdempotent(`/api/incidents/${encodeURIComponent(incidentId)}/attachments`, photo, key);
}

export interface UnitInfo {
  id: string;
  callSign: string;
  status: string;
  home: { lon: number; lat: number };
  position: { lon: number; lat: number; recordedAt: string; stale: boolean } | null;
}

/** One unit from GET /api/units (the caller's scope), or null when it is not visible. */
export async function fetchUnit(unitId: string, signal?: AbortSignal): Promise<UnitInfo | null> {
  const { items } = await authedJson<{ items: UnitInfo[] }>('/api/units', { signal });
  return items.find((u) => u.id === unitId) ?? null;
}

export interface RouteFeature {
  type: 'Feature';
  geometry: { type: 'LineString'; coordinates: [number, number][] };
  properties: { distanceM: number; durationSec: number };
}

/** GET /api/geo/route: the fastest driving route between two points. */
export function fetchRoute(
  from: { lon: number; lat: number },
  to: { lon: number; lat: number },
  signal?: AbortSignal,
): Promise<RouteFeature> {
  const q = new URLSearchParams({ from: `${from.lon},${from.lat}`, to: `${to.lon},${to.lat}` });
  return authedJson<RouteFeature>(`/api/geo/route?${q.toString()}`, { signal });
}

export interface IncidentCodes {
  subTypes: { code: string; category: string; label: string }[];
}

/** GET /api/incidents/codes (sub-type labels); null when the endpoint is not there. */
export async function fetchCodes(signal?: AbortSignal): Promise<IncidentCodes | null> {
  try {
    return await authedJson<IncidentCodes>('/api/incidents/codes', { signal });
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 403)) return null;
    throw err;
  }
}
