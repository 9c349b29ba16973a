/**
 * What the officer can do with a dispatch order in each state, and the order's stage stepper. Pure: the
 * field view renders these, the tests pin them down.
 */

export const ORDER_STATUSES = ['sent', 'acknowledged', 'en_route', 'on_scene', 'released', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** A button on the officer's task card: acknowledge (接收) or move the order to the next status. */
export type OrderAction = 'ack' | 'en_route' | 'on_scene' | 'released';

/** The stages an order goes through, in order (cancelled is off to the side). */
export const ORDER_STAGES = ['sent', 'acknowledged', 'en_route', 'on_scene', 'released'] as const;
export type OrderStage = (typeof ORDER_STAGES)[number];

export interface OrderTimes {
  status: OrderStatus;
  sentAt: string;
  acknowledgedAt: string | null;
  enRouteAt: string | null;
  onSceneAt: string | null;
  releasedAt: string | null;
  cancelledAt: string | null;
}

/**
 * The big button (`primary`) and the less common ones (`secondary`) for an order in `status`. An order must be
 * acknowledged before anything else; an officer who reaches the scene without pressing "en route" may report
 * "on scene" directly; "released" (收队) ends the task once on scene. Finished orders offer nothing.
 */
export function actionsFor(status: OrderStatus): { primary: OrderAction | null; secondary: OrderAction[] } {
  switch (status) {
    case 'sent':
      return { primary: 'ack', secondary: [] };
    case 'acknowledged':
      return { primary: 'en_route', secondary: ['on_scene'] };
    case 'en_route':
      return { primary: 'on_scene', secondary: [] };
    case 'on_scene':
      return { primary: 'released', secondary: [] };
    case 'released':
    case 'cancelled':
      return { primary: null, secondary: [] };
  }
}

/** True while the order still needs the officer (not released or cancelled). */
export function isActiveOrder(status: OrderStatus): boolean {
  return status !== 'released' && status !== 'cancelled';
}

/** Each stage with its time and whether it is done, the current one, or still ahead. */
export function orderSteps(
  order: OrderTimes,
): { stage: OrderStage; at: string | null; state: 'done' | 'current' | 'ahead' }[] {
  const at: Record<OrderStage, string | null> = {
    sent: order.sentAt,
    acknowledged: order.acknowledgedAt,
    en_route: order.enRouteAt,
    on_scene: order.onSceneAt,
    released: order.releasedAt,
  };
  // The furthest stage reached (a skipped "en route" still counts as passed once on scene).
  let reached = 0;
  ORDER_STAGES.forEach((s, i) => {
    if (at[s] !== null || s === order.status) reached = Math.max(reached, i);
  });
  return ORDER_STAGES.map((stage, i) => ({
    stage,
    at: at[stage],
    state: i < reached ? 'done' : i === reached ? (order.status === 'released' ? 'done' : 'current') : 'ahead',
  }));
}

/** Elapsed time as a clock, language-neutral: "4:05", "1:02:09" (negative clock skew shows 0:00). */
export function formatElapsed(fromIso: string, nowMs: number): string {
  const from = Date.parse(fromIso);
  if (!Number.isFinite(from)) return '–';
  const total = Math.max(0, Math.floor((nowMs - from) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** Road distance for the route panel: metres below 1 km, else kilometres with one decimal. */
export function formatDistance(metres: number): string {
  if (!Number.isFinite(metres) || metres < 0) return '–';
  if (metres < 1000) return `${Math.round(metres / 10) * 10} m`;
  return `${(metres / 1000).toFixed(1)} km`;
}

/** Driving time in whole minutes, at least 1 (a 20-second drive is "1 min", not "0 min"). */
export function etaMinutes(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0) return 0;
  return Math.max(1, Math.ceil(seconds / 60));
}

/** Roman numeral of a severity grade (1 → Ⅰ … 4 → Ⅳ), as written on Chinese police forms. */
export function severityNumeral(severity: number): string {
  return ['Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ'][severity - 1] ?? String(severity);
}
