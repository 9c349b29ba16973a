/**
 * The incident state machine: received → graded → dispatched → acknowledged → en_route → on_scene → handled →
 * closed, plus cancel (from any open stage) and reopen (closed or cancelled back to graded). Everything else
 * is an illegal transition (INCIDENT_BAD_TRANSITION). Pure.
 */
export const STATUSES = [
  'received',
  'graded',
  'dispatched',
  'acknowledged',
  'en_route',
  'on_scene',
  'handled',
  'closed',
  'cancelled',
] as const;
export type IncidentStatus = (typeof STATUSES)[number];

/** The transitions a caller can ask for by name. */
export const TRANSITIONS = [
  'grade',
  'dispatch',
  'acknowledge',
  'depart',
  'arrive',
  'handle',
  'close',
  'cancel',
  'reopen',
] as const;
export type Transition = (typeof TRANSITIONS)[number];

const OPEN: readonly IncidentStatus[] = [
  'received',
  'graded',
  'dispatched',
  'acknowledged',
  'en_route',
  'on_scene',
  'handled',
];

/** transition → (from statuses, to status). */
export const MACHINE: Record<Transition, { from: readonly IncidentStatus[]; to: IncidentStatus }> = {
  grade: { from: ['received', 'graded'], to: 'graded' },
  dispatch: { from: ['graded', 'dispatched', 'acknowledged', 'en_route', 'on_scene'], to: 'dispatched' },
  acknowledge: { from: ['dispatched'], to: 'acknowledged' },
  depart: { from: ['dispatched', 'acknowledged'], to: 'en_route' },
  arrive: { from: ['en_route'], to: 'on_scene' },
  handle: { from: ['on_scene'], to: 'handled' },
  close: { from: ['handled'], to: 'closed' },
  cancel: { from: OPEN, to: 'cancelled' },
  reopen: { from: ['closed', 'cancelled'], to: 'graded' },
};

/** The status after `transition` from `from`, or null when the transition is illegal there. */
export function nextStatus(from: IncidentStatus, transition: Transition): IncidentStatus | null {
  const m = MACHINE[transition];
  return m.from.includes(from) ? m.to : null;
}

/** True while the incident still needs handling. */
export function isOpen(status: IncidentStatus): boolean {
  return OPEN.includes(status);
}
