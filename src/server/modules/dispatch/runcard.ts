/**
 * Run cards: which units an incident sub-type needs, as a declarative table of slots. Each slot names the unit
 * types that may fill it and optional crew skills / unit equipment. A special unit may also fill a patrol slot
 * (it can do patrol work), which is what makes filling a run card an assignment problem rather than a sort.
 * Unit types are those of `units.type` (patrol_car, motorbike, foot, special).
 */
export const UNIT_TYPES = ['patrol_car', 'motorbike', 'foot', 'special'] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

export interface RunCardSlot {
  /** Unique within a run card, e.g. 'patrol-1'. */
  id: string;
  label: string;
  /** Unit types that may fill the slot; empty or absent means any type. */
  unitTypes?: readonly UnitType[];
  /** Skills the unit's active crew must have (all of them). */
  skills?: readonly string[];
  /** Equipment the unit must carry (all of it). */
  equipment?: readonly string[];
}

const PATROL: readonly UnitType[] = ['patrol_car', 'motorbike', 'special'];
const ANY_PATROL: readonly UnitType[] = ['patrol_car', 'motorbike', 'foot', 'special'];
const SPECIAL: readonly UnitType[] = ['special'];

const patrol = (n: number, types: readonly UnitType[] = PATROL): RunCardSlot[] =>
  Array.from({ length: n }, (_, i) => ({ id: `patrol-${i + 1}`, label: 'Patrol unit', unitTypes: types }));
const special = (n: number): RunCardSlot[] =>
  Array.from({ length: n }, (_, i) => ({ id: `special-${i + 1}`, label: 'Special unit', unitTypes: SPECIAL }));

/** Run cards by incident sub-type (codes of incident.codes.ts); sub-types not listed use DEFAULT_RUN_CARD. */
export const RUN_CARDS: Readonly<Record<string, readonly RunCardSlot[]>> = {
  'criminal.homicide': [...patrol(2), ...special(1)],
  'criminal.robbery': [...patrol(2), ...special(1)],
  'criminal.kidnapping': [...patrol(2), ...special(1)],
  'public_order.fight': patrol(2),
  'public_order.gathering': [...patrol(2), ...special(1)],
  'fire.building': patrol(1),
  'fire.vehicle': patrol(1),
  'traffic.accident': patrol(1),
  'dispute.domestic': patrol(1),
};

/** One patrol unit of any kind. */
export const DEFAULT_RUN_CARD: readonly RunCardSlot[] = patrol(1, ANY_PATROL);

/** The run card for an incident sub-type (the default card for sub-types without one). */
export function runCardFor(subType: string): readonly RunCardSlot[] {
  return Object.hasOwn(RUN_CARDS, subType) ? RUN_CARDS[subType]! : DEFAULT_RUN_CARD;
}
