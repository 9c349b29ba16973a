/**
 * Road classes and the speed profile: one declarative table of free-flow speeds by class and multipliers by
 * time of day. Asia/Shanghai has had no daylight saving time since 1991, so local time is UTC+8 arithmetic.
 */

/** Road classes, in the order of their numeric code stored per edge (Uint8Array). OSM names. */
export const ROAD_CLASSES = [
  'motorway',
  'motorway_link',
  'trunk',
  'trunk_link',
  'primary',
  'primary_link',
  'secondary',
  'secondary_link',
  'tertiary',
  'tertiary_link',
  'unclassified',
  'residential',
  'living_street',
  'service',
] as const;

/** A road class name (OSM `highway=*` value). */
export type RoadClass = (typeof ROAD_CLASSES)[number];

/** Chinese planning names accepted as synonyms: 高速公路 expressway, 主干路 arterial, 次干路 collector, 支路 local. */
export const ROAD_CLASS_ALIASES = {
  expressway: 'motorway',
  arterial: 'primary',
  collector: 'secondary',
  local: 'residential',
  road: 'unclassified',
} as const satisfies Record<string, RoadClass>;

/** A road class or one of its aliases. */
export type RoadClassName = RoadClass | keyof typeof ROAD_CLASS_ALIASES;

const CODE_BY_NAME = new Map<string, number>(ROAD_CLASSES.map((name, code) => [name, code]));
for (const [alias, name] of Object.entries(ROAD_CLASS_ALIASES)) CODE_BY_NAME.set(alias, CODE_BY_NAME.get(name)!);

/** Numeric code of a road class or alias, or -1 when unknown. */
export function roadClassCode(name: string): number {
  return CODE_BY_NAME.get(name) ?? -1;
}

/** A time band: local hours [fromHour, toHour) on every day, with a speed multiplier per class (default 1). */
export interface SpeedBand {
  name: string;
  fromHour: number;
  toHour: number;
  multiplier: Partial<Record<RoadClass, number>> & { default: number };
}

/** The whole profile: free-flow km/h per class and the time bands that scale them. */
export interface SpeedProfile {
  /** Hours added to UTC to get local time (Asia/Shanghai: +8, no DST). */
  utcOffsetHours: number;
  freeFlowKmh: Record<RoadClass, number>;
  /** First matching band wins; hours outside every band use free flow. */
  bands: SpeedBand[];
}

/** Default profile for Chinese urban driving by police vehicles (urgent but lawful speeds). */
export const DEFAULT_SPEED_PROFILE: SpeedProfile = {
  utcOffsetHours: 8,
  freeFlowKmh: {
    motorway: 100,
    motorway_link: 60,
    trunk: 80,
    trunk_link: 50,
    primary: 60,
    primary_link: 40,
    secondary: 50,
    secondary_link: 35,
    tertiary: 40,
    tertiary_link: 30,
    unclassified: 35,
    residential: 30,
    living_street: 15,
    service: 20,
  },
  bands: [
    {
      name: 'morning-peak',
      fromHour: 7,
      toHour: 9,
      multiplier: { default: 0.6, motorway: 0.7, trunk: 0.65, residential: 0.8, living_street: 0.9, service: 0.9 },
    },
    {
      name: 'evening-peak',
      fromHour: 17,
      toHour: 19,
      multiplier: { default: 0.55, motorway: 0.65, trunk: 0.6, residential: 0.8, living_street: 0.9, service: 0.9 },
    },
    { name: 'night', fromHour: 22, toHour: 24, multiplier: { default: 1.1, living_street: 1, service: 1 } },
    { name: 'early-morning', fromHour: 0, toHour: 6, multiplier: { default: 1.1, living_street: 1, service: 1 } },
  ],
};

/** Index of the band in force at `at` (or -1 for free flow). */
export function speedBandAt(at: Date, profile: SpeedProfile = DEFAULT_SPEED_PROFILE): number {
  const ms = at.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('departAt is not a valid date');
  const localHour = (((ms / 3_600_000 + profile.utcOffsetHours) % 24) + 24) % 24;
  return profile.bands.findIndex((b) => localHour >= b.fromHour && localHour < b.toHour);
}

/** Speed in metres per second for each class code under band `band` (-1 = free flow). */
export function speedsMps(band: number, profile: SpeedProfile = DEFAULT_SPEED_PROFILE): Float64Array {
  const out = new Float64Array(ROAD_CLASSES.length);
  const b = band >= 0 ? profile.bands[band] : undefined;
  ROAD_CLASSES.forEach((name, code) => {
    const m = b ? (b.multiplier[name] ?? b.multiplier.default) : 1;
    out[code] = (profile.freeFlowKmh[name] * m) / 3.6;
  });
  return out;
}
