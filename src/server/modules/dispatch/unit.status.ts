/** Unit statuses and the legal transitions between them (dispatcher or officer app). */
export const UNIT_STATUSES = [
  'available',
  'dispatched',
  'en_route',
  'on_scene',
  'returning',
  'busy',
  'off_duty',
] as const;

export type UnitStatus = (typeof UNIT_STATUSES)[number];

/**
 * From → allowed next statuses. A dispatched unit may be stood down (back to available) at any stage; going
 * off duty is only possible when the unit is not committed to an incident.
 */
export const UNIT_TRANSITIONS: Record<UnitStatus, readonly UnitStatus[]> = {
  off_duty: ['available'],
  available: ['dispatched', 'busy', 'off_duty'],
  dispatched: ['en_route', 'on_scene', 'available'],
  en_route: ['on_scene', 'available'],
  on_scene: ['returning', 'available'],
  returning: ['available', 'dispatched', 'off_duty'],
  busy: ['available', 'off_duty'],
};

/** True when a unit in `from` may move to `to`. */
export function canTransition(from: string, to: string): boolean {
  return (UNIT_TRANSITIONS[from as UnitStatus] ?? []).includes(to as UnitStatus);
}
