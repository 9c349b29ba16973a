/**
 * The command board's calls to the incidents and dispatch API (shapes as in the server's
 * src/server/modules/{incidents,dispatch}/*.schemas.ts). Writes that create something carry an Idempotency-Key.
 */
import { authedJson, postIdempotent } from '../../auth/state/session.store.ts';

export type IncidentStatus =
  'received' | 'graded' | 'dispatched' | 'acknowledged' | 'en_route' | 'on_scene' | 'handled' | 'closed' | 'cancelled';

export type UnitStatus = 'available' | 'dispatched' | 'en_route' | 'on_scene' | 'returning' | 'busy' | 'off_duty';

export interface CallerView {
  name: string | null;
  phone: string | null;
  channel: string;
  calledAt: string;
}

export interface IncidentView {
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
  lon: number | null;
  lat: number | null;
  jurisdictionId: string;
  receivedAt: string;
  gradingRules: string[];
  callers: CallerView[];
  masked: string[];
  smsText?: string | null;
}

export interface DuplicateCandidate {
  id: string;
  subType: string;
  distanceM: number;
  receivedAt: string;
}

export interface CreateIncidentResponse {
  incident: IncidentView;
  alertId: string | null;
  duplicateCandidates: DuplicateCandidate[];
}

export type OrderStatus = 'sent' | 'acknowledged' | 'en_route' | 'on_scene' | 'released' | 'cancelled';

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

export interface StageTimer {
  stage: string;
  targetSec: number;
  elapsedSec: number;
  late: boolean;
  done: boolean;
}

export interface QueueItem {
  incident: IncidentView;
  waitingSec: number;
  timers: StageTimer[];
  orders: Order[];
}

export interface TimelineEvent {
  kind: string;
  fromStatus: string | null;
  toStatus: string | null;
  note: string | null;
  actorId: string | null;
  at: string;
}

export interface Codes {
  categories: { code: string; label: string }[];
  subTypes: { code: string; category: string; label: string; baseSeverity: number }[];
  dispositions: { code: string; label: string }[];
  results: { code: string; label: string }[];
}

export interface Recommended {
  unitId: string;
  callSign: string;
  rank: number;
  etaSec: number;
  positionSource: 'live' | 'home_base';
  dutyHours: number | null;
  /** Units of its station still able to answer if it goes (null: coverage rule not applied). */
  coverLeft?: number | null;
  reason: string;
}

export interface Excluded {
  unitId: string;
  callSign: string;
  why: string;
  detail: string;
}

export interface RunCardPick {
  slotId: string;
  label: string;
  unitId: string;
  callSign: string;
  etaSec: number;
  reason: string;
}

export interface Recommendation {
  recommendationId?: string;
  recommended: Recommended[];
  excluded: Excluded[];
  searchMs: number;
  runCard?: {
    incidentType: string;
    picks: RunCardPick[];
    unfilled: { slotId: string; label: string; why: string; detail: string }[];
    totalEtaSec: number;
    method: string;
    solveMs: number;
  };
}

export interface Unit {
  id: string;
  callSign: string;
  unitType: string;
  status: UnitStatus;
  stationId: string;
  home: { lon: number; lat: number };
  position: { lon: number; lat: number; recordedAt: string; stale: boolean } | null;
  shiftStartedAt: string | null;
}

export interface CreateIncidentBody {
  callerName?: string;
  callerPhone?: string;
  address?: string;
  lon?: number;
  lat?: number;
  category: string;
  subType: string;
  description: string;
  channel: 'phone' | 'sms' | 'app' | 'walk_in';
  weapons?: boolean;
  injuries?: number;
  minorsInvolved?: boolean;
  crowdSize?: number;
}

export interface DispatchBody {
  unitIds: string[];
  recommendationId?: string;
  overrideReason?: string;
}

export interface DispatchResponse {
  incident: IncidentView;
  orders: Order[];
  override: boolean;
}

const enc = encodeURIComponent;

/** A fresh Idempotency-Key for one user action (reuse it when retrying that action). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** Open incidents by priority then waiting time. */
export function fetchQueue(signal?: AbortSignal): Promise<{ items: QueueItem[] }> {
  return authedJson('/api/incidents/queue', { signal });
}

/** One incident (masked per the reader's role). */
export function fetchIncident(id: string, signal?: AbortSignal): Promise<IncidentView> {
  return authedJson(`/api/incidents/${enc(id)}`, { signal });
}

/** The incident's stage changes, notes and orders in time order. */
export function fetchTimeline(id: string, signal?: AbortSignal): Promise<{ items: TimelineEvent[] }> {
  return authedJson(`/api/incidents/${enc(id)}/timeline`, { signal });
}

/** Dispatch orders of the incident. */
export function fetchOrders(id: string, signal?: AbortSignal): Promise<{ items: Order[] }> {
  return authedJson(`/api/incidents/${enc(id)}/orders`, { signal });
}

/** Classification, disposition and result code lists. */
export function fetchCodes(signal?: AbortSignal): Promise<Codes> {
  return authedJson('/api/incidents/codes', { signal });
}

/** Units the user may see, with their status and latest position. */
export function fetchUnits(signal?: AbortSignal): Promise<{ items: Unit[] }> {
  return authedJson('/api/units', { signal });
}

/** Takes a call (Idempotency-Key: a retry with the same key creates one incident). */
export function createIncident(body: CreateIncidentBody, key: string): Promise<CreateIncidentResponse> {
  return postIdempotent('/api/incidents', body, key);
}

/** Ranked units for the incident (its location and run card). */
export function recommend(id: string, body: { count?: number } = {}): Promise<Recommendation> {
  return authedJson(`/api/incidents/${enc(id)}/recommendation`, { method: 'POST', body });
}

/** Sends dispatch orders to units (Idempotency-Key). */
export function dispatchUnits(id: string, body: DispatchBody, key: string): Promise<DispatchResponse> {
  return postIdempotent(`/api/incidents/${enc(id)}/dispatch`, body, key);
}

/** Cancels one order (the unit becomes available again). */
export function cancelOrder(orderId: string, reason: string): Promise<Order> {
  return authedJson(`/api/dispatch/orders/${enc(orderId)}/cancel`, { method: 'POST', body: { reason } });
}

/** Regrades with a reason. */
export function regrade(id: string, body: { severity: number; priority?: number; reason: string }): Promise<unknown> {
  return authedJson(`/api/incidents/${enc(id)}/grade`, { method: 'POST', body });
}

/** A named lifecycle transition (close needs disposition and result codes). */
export function transition(
  id: string,
  body: { transition: string; note?: string; disposition?: string; resultCode?: string },
): Promise<unknown> {
  return authedJson(`/api/incidents/${enc(id)}/transitions`, { method: 'POST', body });
}

/** Merges a duplicate call into the incident `id`. */
export function merge(id: string, duplicateId: string): Promise<unknown> {
  return authedJson(`/api/incidents/${enc(id)}/merge`, { method: 'POST', body: { duplicateId } });
}

/** Acknowledges a duty-leader alert. */
export function ackAlert(id: string, alertId: string): Promise<unknown> {
  return authedJson(`/api/incidents/${enc(id)}/alerts/${enc(alertId)}/ack`, { method: 'POST', body: {} });
}
