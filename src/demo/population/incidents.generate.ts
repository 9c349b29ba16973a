/**
 * A few years of historical incidents with the patterns real 110 data shows:
 * - spatial hotspots: a share of public-order, dispute, theft and report calls falls inside planted nightlife
 *   hotspots; the rest follows where people live and work (households, enterprises, busy roads);
 * - temporal peaks: hour-of-day and day-of-week profiles per type (night and weekend for disputes and public
 *   order, rush hours for traffic, office hours for burglary), seasonal swings and long-term trends (fraud
 *   rising, burglary falling);
 * - near-repeat burglary: after a burglary, further burglaries follow within `radiusM` and `days` with the
 *   given probability (a self-exciting process, a few generations deep).
 *
 * Every knob is in `IncidentOptions` / `INCIDENT_TYPES`, and each incident records which mechanism placed it
 * (`truth`), so detectors can be tested against ground truth.
 */
import type { CityGeography, CityRoad, LonLat } from '../city.model.ts';
import { createPolygonIndex } from '../../server/modules/geo/index.ts';
import { formatAddress } from '../../server/modules/geo/address.text.ts';
import type { AddressIndex } from './address.index.ts';
import { dayNumber, isoDate } from './identity.ts';
import { INCIDENT_CATEGORIES, INCIDENT_TYPES, type AddressKind, type SubTypeSpec } from './incident.types.ts';
import type { HistoricalIncident, Hotspot, IncidentCategory } from './population.model.ts';
import { Weighted, type Rng } from './random.ts';

export interface NearRepeatOptions {
  /** Probability that a burglary triggers follow-ups (0 disables near-repeats). */
  probability: number;
  radiusM: number;
  days: number;
  /** How many generations of follow-ups (a follow-up may trigger its own). */
  maxGeneration: number;
}

export interface IncidentOptions {
  /** Incidents per 1,000 residents per year. */
  ratePerThousand: number;
  years: number;
  /** End of the window (exclusive), ISO date, local time. */
  end: string;
  nearRepeat: NearRepeatOptions;
  /** Scales every category's hotspot share (0 disables hotspots). */
  hotspotFactor: number;
}

export const DEFAULT_INCIDENT_OPTIONS: Omit<IncidentOptions, 'end'> = {
  ratePerThousand: 200,
  years: 3,
  nearRepeat: { probability: 0.3, radiusM: 200, days: 14, maxGeneration: 2 },
  hotspotFactor: 1,
};

const DAY_MS = 86_400_000;
const LOCAL_OFFSET_MS = 8 * 3_600_000; // Asia/Shanghai, no daylight saving time
const CHANNELS = Weighted.of<HistoricalIncident['channel']>([
  ['phone', 88],
  ['app', 6],
  ['sms', 2],
  ['walk_in', 4],
]);
const DISPOSITIONS: Record<IncidentCategory, string[]> = {
  criminal: ['已立刑事案件', '已抓获嫌疑人', '移交刑侦部门'],
  public_order: ['当场调解', '治安处罚', '批评教育', '警告'],
  traffic: ['快速处理', '移交交警部门', '责任认定'],
  fire: ['移交消防部门', '协助处置'],
  assistance: ['已提供帮助', '移交相关部门', '已送医'],
  dispute: ['调解成功', '引导诉讼', '移交人民调解委员会'],
  report: ['已核查属实', '核查不实', '移交相关部门'],
};
/** Relative traffic on a road by class (length-weighted when choosing where road incidents happen). */
const ROAD_WEIGHT: Partial<Record<string, number>> = {
  motorway: 3,
  trunk: 3,
  primary: 4,
  secondary: 3,
  tertiary: 2,
  residential: 1,
  unclassified: 1,
};

interface Draft {
  category: IncidentCategory;
  spec: SubTypeSpec;
  atMs: number;
  addressIndex: number;
  location: LonLat;
  gridId: string;
  /** Placed on a road near the address rather than at it. */
  onRoad: boolean;
  hotspot: number | null;
  parent: Draft | null;
  generation: number;
  order: number;
}

interface Placed {
  addressIndex: number;
  location: LonLat;
  gridId: string;
  onRoad: boolean;
}

/** Weights per address for where incidents happen, from the population already generated. */
export interface PlaceWeights {
  /** Households per address id. */
  households: Map<string, number>;
  /** Enterprises per address id. */
  enterprises: Map<string, number>;
}

/** Generates the historical incidents for `residents` people over the options' window. */
export function generateIncidents(
  geo: CityGeography,
  index: AddressIndex,
  hotspots: readonly Hotspot[],
  weights: PlaceWeights,
  residents: number,
  rng: Rng,
  opts: IncidentOptions,
): HistoricalIncident[] {
  const addresses = index.addresses;
  const endDay = dayNumber(opts.end);
  const startDay = endDay - Math.round(opts.years * 365);
  const total = Math.round((residents * opts.ratePerThousand * opts.years) / 1000);
  if (total <= 0 || addresses.length === 0) return [];

  // Address pools by kind, weighted by who is there.
  const pools = new Map<AddressKind, Weighted<number>>();
  for (const kind of ['residential', 'commercial', 'industrial', 'public'] as const) {
    const items: number[] = [];
    const w: number[] = [];
    addresses.forEach((a, i) => {
      if (a.kind !== kind) return;
      items.push(i);
      w.push(
        kind === 'residential' ? 0.2 + (weights.households.get(a.id) ?? 0) : 1 + (weights.enterprises.get(a.id) ?? 0),
      );
    });
    if (items.length > 0) pools.set(kind, new Weighted(items, w));
  }
  const roads = geo.roads.filter((r) => r.coords.length >= 2 && (ROAD_WEIGHT[r.roadClass] ?? 0) > 0);
  const roadDist =
    roads.length > 0
      ? new Weighted(
          roads,
          roads.map((r) => (ROAD_WEIGHT[r.roadClass] ?? 0) * lengthM(r)),
        )
      : null;
  if (roadDist) pools.set('road', new Weighted([-1], [1]));
  const grids = createPolygonIndex(
    geo.jurisdictions
      .filter((j) => j.level === 'grid' && j.boundary.length > 0)
      .map((j) => ({ id: j.id, geometry: { type: 'Polygon' as const, coordinates: j.boundary } })),
  );
  const hotspotAddresses = hotspots.map((h) => {
    const ids = new Set(h.addressIds);
    const list: number[] = [];
    addresses.forEach((a, i) => {
      if (ids.has(a.id)) list.push(i);
    });
    return list;
  });
  const residentialWithin = (i: number, radiusM: number): number[] =>
    index.within(index.xy[2 * i]!, index.xy[2 * i + 1]!, radiusM).filter((j) => addresses[j]!.kind === 'residential');

  // Day distribution per category (weekday × season); trends are applied per sub-type by rejection.
  const dayDists = new Map<IncidentCategory, Weighted<number>>();
  const days = Array.from({ length: endDay - startDay }, (_, k) => startDay + k);
  for (const cat of INCIDENT_CATEGORIES) {
    const spec = INCIDENT_TYPES[cat];
    dayDists.set(
      cat,
      new Weighted(
        days,
        days.map((d) => {
          const month = Number(isoDate(d).slice(5, 7));
          const season = 1 + spec.season.amplitude * Math.cos((2 * Math.PI * (month - spec.season.peakMonth)) / 12);
          return spec.weekdays[(d + 3) % 7]! * season;
        }),
      ),
    );
  }
  const hourDists = new Map<readonly number[], Weighted<number>>();
  const hourDist = (hours: readonly number[]): Weighted<number> => {
    let d = hourDists.get(hours);
    if (!d)
      hourDists.set(
        hours,
        (d = new Weighted(
          Array.from({ length: 24 }, (_, h) => h),
          hours,
        )),
      );
    return d;
  };
  const trendFactor = (spec: SubTypeSpec, day: number): number =>
    Math.max(0.05, 1 + (spec.trend ?? 0) * ((day - startDay) / 365 - opts.years / 2));

  const timeOn = (day: number, hours: readonly number[]): number => {
    const hour = hourDist(hours).sample(rng);
    const sec = hour * 3600 + rng.int(3600);
    return day * DAY_MS + sec * 1000 - LOCAL_OFFSET_MS;
  };

  const drafts: Draft[] = [];
  let order = 0;
  const place = (kind: AddressKind): Placed => {
    if (kind === 'road' && roadDist) {
      const road = roadDist.sample(rng);
      const k = rng.int(road.coords.length - 1);
      const a = road.coords[k]!;
      const b = road.coords[k + 1]!;
      const t = rng.float();
      const p: LonLat = [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
      const [x, y] = index.project(p);
      const near = index.nearest(x, y);
      const location = index.unproject(x, y);
      return {
        addressIndex: near,
        location,
        gridId: grids.resolve(location[0], location[1]) ?? addresses[near]!.gridId,
        onRoad: true,
      };
    }
    const addressIndex = pools.get(kind)!.sample(rng);
    return located(addressIndex, 8);
  };
  const located = (addressIndex: number, jitterM: number): Placed => {
    const x = index.xy[2 * addressIndex]! + rng.normal() * jitterM;
    const y = index.xy[2 * addressIndex + 1]! + rng.normal() * jitterM;
    return { addressIndex, location: index.unproject(x, y), gridId: addresses[addressIndex]!.gridId, onRoad: false };
  };
  const placeKinds = (spec: SubTypeSpec): Weighted<AddressKind> | null => {
    const pairs = (Object.entries(spec.places) as [AddressKind, number][]).filter(([k, w]) => w > 0 && pools.has(k));
    return pairs.length > 0 ? Weighted.of(pairs) : null;
  };
  const kindCache = new Map<SubTypeSpec, Weighted<AddressKind> | null>();

  const { nearRepeat } = opts;
  const meanChildren = nearRepeat.probability * 1.3;
  for (const cat of INCIDENT_CATEGORIES) {
    const spec = INCIDENT_TYPES[cat];
    const subDist = Weighted.of(spec.subTypes.map((s) => [s, s.weight] as const));
    const count = Math.round(total * spec.share);
    const maxTrend = Math.max(...spec.subTypes.map((s) => Math.max(trendFactor(s, startDay), trendFactor(s, endDay))));
    for (let n = 0; n < count; n++) {
      const sub = subDist.sample(rng);
      // Near-repeat follow-ups are extra burglaries: thin the base ones so the total stays near the target.
      if (sub.code === 'burglary' && nearRepeat.probability > 0 && rng.chance(meanChildren / (1 + meanChildren)))
        continue;
      let kinds = kindCache.get(sub);
      if (kinds === undefined) kindCache.set(sub, (kinds = placeKinds(sub)));
      if (!kinds) continue;
      let day: number;
      do day = dayDists.get(cat)!.sample(rng);
      while (rng.float() * maxTrend > trendFactor(sub, day));
      const atMs = timeOn(day, sub.hours ?? spec.hours);
      let hotspot: number | null = null;
      let where: Placed | null = null;
      if (hotspots.length > 0 && rng.chance(spec.hotspotShare * opts.hotspotFactor)) {
        const h = rng.int(hotspots.length);
        const candidates = hotspotAddresses[h]!.filter((i) => (sub.places[addresses[i]!.kind] ?? 0) > 0);
        if (candidates.length > 0) {
          hotspot = h;
          where = located(rng.pick(candidates), 20);
        }
      }
      where ??= place(kinds.sample(rng));
      drafts.push({ category: cat, spec: sub, atMs, ...where, hotspot, parent: null, generation: 0, order: order++ });
    }
  }

  // Near-repeat burglaries: each burglary may trigger follow-ups close in space and time.
  if (nearRepeat.probability > 0) {
    const burglary = INCIDENT_TYPES.criminal.subTypes.find((s) => s.code === 'burglary')!;
    const endMs = endDay * DAY_MS - LOCAL_OFFSET_MS;
    const queue = drafts.filter((d) => d.spec === burglary);
    for (let q = 0; q < queue.length; q++) {
      const src = queue[q]!;
      if (src.generation >= nearRepeat.maxGeneration || !rng.chance(nearRepeat.probability)) continue;
      const children = rng.chance(0.3) ? 2 : 1;
      const near = residentialWithin(src.addressIndex, nearRepeat.radiusM);
      if (near.length === 0) continue;
      for (let c = 0; c < children; c++) {
        // Risk decays over the window: exponential delay (mean a third of the window), truncated.
        let delayDays: number;
        do delayDays = rng.exponential(nearRepeat.days / 3);
        while (delayDays > nearRepeat.days);
        const atMs = src.atMs + Math.max(3_600_000, delayDays * DAY_MS);
        if (atMs >= endMs) continue;
        const child: Draft = {
          category: 'criminal',
          spec: burglary,
          atMs,
          ...located(rng.pick(near), 8),
          hotspot: null,
          parent: src,
          generation: src.generation + 1,
          order: order++,
        };
        drafts.push(child);
        queue.push(child);
      }
    }
  }

  drafts.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
  const idOf = new Map<Draft, string>();
  const severityDists = new Map<SubTypeSpec, Weighted<1 | 2 | 3 | 4>>();
  return drafts.map((d, i) => {
    const id = `inc-h-${String(i + 1).padStart(7, '0')}`;
    idOf.set(d, id);
    let sev = severityDists.get(d.spec);
    if (!sev) severityDists.set(d.spec, (sev = new Weighted([1, 2, 3, 4] as const, d.spec.severity)));
    const severity = sev.sample(rng);
    const handlingMin = 15 + rng.exponential(severity <= 2 ? 240 : severity === 3 ? 120 : 45);
    return {
      id,
      category: d.category,
      subType: `${d.category}.${d.spec.code}`,
      severity,
      reportedAt: new Date(d.atMs).toISOString(),
      closedAt: new Date(d.atMs + Math.round(handlingMin) * 60_000).toISOString(),
      location: d.location,
      addressId: addresses[d.addressIndex]!.id,
      address: formatAddress(addresses[d.addressIndex]!) + (d.onRoad ? '附近' : ''),
      gridId: d.gridId,
      channel: CHANNELS.sample(rng),
      disposition: rng.pick(DISPOSITIONS[d.category]),
      truth: { hotspot: d.hotspot, nearRepeatOf: d.parent ? idOf.get(d.parent)! : null },
    };
  });
}

function lengthM(road: CityRoad): number {
  let m = 0;
  for (let k = 1; k < road.coords.length; k++) {
    const [x0, y0] = road.coords[k - 1]!;
    const [x1, y1] = road.coords[k]!;
    const dx = (x1 - x0) * 111_320 * Math.cos((y0 * Math.PI) / 180);
    const dy = (y1 - y0) * 110_574;
    m += Math.hypot(dx, dy);
  }
  return m;
}
