/**
 * The historical incidents carry the patterns analytics will look for. Each test measures a pattern on the
 * generated data and, where it is a planted mechanism, shows the measure falls flat when the mechanism is off.
 */
import { describe, expect, it } from 'vitest';
import { haversineM } from '../../server/modules/geo/index.ts';
import { isNightHour } from './incident.types.ts';
import { fixtureGeography } from './population.fixture.ts';
import { generatePopulation, type PopulationOptions } from './population.generate.ts';
import type { HistoricalIncident, Population } from './population.model.ts';
import { Rng } from './random.ts';

const geo = fixtureGeography({ counties: 2, stationsPerCounty: 3, gridsPerStation: 3, blockX: 6, blockY: 5 });
const base: PopulationOptions = {
  seed: 5,
  scale: 'small',
  residents: 12_000,
  hotspots: { count: 3 },
  incidents: { ratePerThousand: 1_500, years: 2 },
};
const population = generatePopulation(geo, base);

const localHour = (i: HistoricalIncident): number => (new Date(i.reportedAt).getUTCHours() + 8) % 24;
const localDay = (i: HistoricalIncident): Date => new Date(new Date(i.reportedAt).getTime() + 8 * 3_600_000);
const ofType = (p: Population, prefix: string): HistoricalIncident[] =>
  p.incidents.filter((i) => i.subType === prefix || i.category === prefix);

describe('historical incidents: temporal patterns', () => {
  it('has enough incidents to measure (sanity)', () => {
    expect(population.incidents.length).toBeGreaterThan(20_000);
  });

  it('puts disputes and public-order calls at night far more than by day', () => {
    for (const category of ['dispute', 'public_order']) {
      const list = ofType(population, category);
      const night = list.filter((i) => isNightHour(localHour(i))).length; // 20:00-03:59, 8 hours
      const day = list.filter((i) => localHour(i) >= 8 && localHour(i) < 16).length; // 8 hours
      expect(night, category).toBeGreaterThan(1.8 * day);
    }
  });

  it('peaks traffic incidents in the rush hours', () => {
    const traffic = ofType(population, 'traffic');
    const perHour = (hours: number[]): number =>
      traffic.filter((i) => hours.includes(localHour(i))).length / hours.length;
    expect(perHour([7, 8, 17, 18])).toBeGreaterThan(1.5 * perHour([10, 11, 13, 14]));
    expect(perHour([7, 8, 17, 18])).toBeGreaterThan(4 * perHour([1, 2, 3, 4]));
  });

  it('has more public-order calls on Saturdays than on an average Monday-Thursday', () => {
    const list = ofType(population, 'public_order');
    const byWeekday = [0, 0, 0, 0, 0, 0, 0]; // Sunday = 0
    for (const i of list) byWeekday[localDay(i).getUTCDay()]!++;
    const midweek = (byWeekday[1]! + byWeekday[2]! + byWeekday[3]! + byWeekday[4]!) / 4;
    expect(byWeekday[6]).toBeGreaterThan(1.25 * midweek);
  });

  it('has a winter fire season and a rising fraud trend (seasonal drift)', () => {
    const month = (i: HistoricalIncident): number => localDay(i).getUTCMonth() + 1;
    const fires = ofType(population, 'fire');
    const winter = fires.filter((i) => [12, 1, 2].includes(month(i))).length;
    const summer = fires.filter((i) => [6, 7, 8].includes(month(i))).length;
    expect(winter).toBeGreaterThan(1.3 * summer);

    const fraud = ofType(population, 'criminal.fraud');
    const firstYearEnd = new Date(Date.parse(`${population.asOf}T00:00:00Z`) - 365 * 86_400_000).toISOString();
    const early = fraud.filter((i) => i.reportedAt < firstYearEnd).length;
    const late = fraud.length - early;
    expect(late).toBeGreaterThan(1.15 * early);
  });
});

/** Share of `list` within any hotspot's radius of its centre. */
function hotspotShare(p: Population, list: readonly { location: [number, number] }[]): number {
  const inside = list.filter((x) =>
    p.hotspots.some((h) => haversineM(x.location[0], x.location[1], h.center[0], h.center[1]) <= h.radiusM),
  ).length;
  return inside / list.length;
}

describe('historical incidents: spatial hotspots', () => {
  it('plants hotspots at commercial addresses and records them as ground truth', () => {
    expect(population.hotspots).toHaveLength(3);
    const kinds = new Map(geo.addresses.map((a) => [a.location.join(','), a.kind]));
    for (const h of population.hotspots) expect(kinds.get(h.center.join(','))).toBe('commercial');
    const planted = population.incidents.filter((i) => i.truth.hotspot !== null);
    expect(planted.length).toBeGreaterThan(1_000);
  });

  it('concentrates public-order calls in the hotspots well beyond their share of the city, and only when planted', () => {
    const addresses = geo.addresses.map((a) => ({ location: a.location }));
    const areaShare = hotspotShare(population, addresses);
    const publicOrder = ofType(population, 'public_order');
    const lift = hotspotShare(population, publicOrder) / areaShare;
    expect(lift).toBeGreaterThan(3);

    const flat = generatePopulation(geo, { ...base, incidents: { ...base.incidents, hotspotFactor: 0 } });
    expect(flat.hotspots.map((h) => h.center)).toEqual(population.hotspots.map((h) => h.center));
    const flatLift = hotspotShare(flat, ofType(flat, 'public_order')) / areaShare;
    expect(lift).toBeGreaterThan(1.8 * flatLift);
    expect(flat.incidents.every((i) => i.truth.hotspot === null)).toBe(true);
  });

  it('does not concentrate traffic incidents in the hotspots (they follow the roads)', () => {
    const areaShare = hotspotShare(population, geo.addresses);
    expect(hotspotShare(population, ofType(population, 'traffic')) / areaShare).toBeLessThan(2);
  });
});

/** Knox statistic: pairs of burglaries close in space and time, observed and with times shuffled. */
function knox(p: Population, radiusM: number, days: number): { observed: number; shuffled: number } {
  const b = ofType(p, 'criminal.burglary');
  const t = b.map((i) => Date.parse(i.reportedAt) / 86_400_000);
  const close: [number, number][] = [];
  for (let x = 0; x < b.length; x++) {
    for (let y = x + 1; y < b.length; y++) {
      const [a, c] = [b[x]!.location, b[y]!.location];
      if (haversineM(a[0], a[1], c[0], c[1]) <= radiusM) close.push([x, y]);
    }
  }
  const count = (times: number[]): number => close.filter(([x, y]) => Math.abs(times[x]! - times[y]!) <= days).length;
  const rng = new Rng(99, 'knox');
  let shuffled = 0;
  const runs = 5;
  for (let r = 0; r < runs; r++) shuffled += count(rng.shuffle([...t]));
  return { observed: count(t), shuffled: shuffled / runs };
}

describe('historical incidents: near-repeat burglary', () => {
  // At a realistic call rate: at the inflated rate above, background pairs within 200 m swamp any excess.
  const realistic: PopulationOptions = { ...base, incidents: { ratePerThousand: 300, years: 3 } };
  const nearRepeat = generatePopulation(geo, realistic);

  it('shows near-repeat excess over a shuffled-time baseline (Knox test, 200 m / 14 days)', () => {
    const { observed, shuffled } = knox(nearRepeat, 200, 14);
    expect(observed).toBeGreaterThan(2 * shuffled);
  });

  it('shows no such excess when near-repeats are switched off', () => {
    const off = generatePopulation(geo, {
      ...realistic,
      incidents: { ...realistic.incidents, nearRepeat: { probability: 0, radiusM: 200, days: 14, maxGeneration: 2 } },
    });
    const { observed, shuffled } = knox(off, 200, 14);
    expect(observed).toBeLessThan(1.4 * shuffled);
    expect(off.incidents.every((i) => i.truth.nearRepeatOf === null)).toBe(true);
  });

  it('records each follow-up with its trigger: an earlier burglary within the radius and window', () => {
    const byId = new Map(nearRepeat.incidents.map((i) => [i.id, i]));
    const followUps = nearRepeat.incidents.filter((i) => i.truth.nearRepeatOf !== null);
    expect(followUps.length).toBeGreaterThan(30);
    for (const f of followUps) {
      const src = byId.get(f.truth.nearRepeatOf!)!;
      expect(src.subType).toBe('criminal.burglary');
      expect(f.subType).toBe('criminal.burglary');
      const dt = (Date.parse(f.reportedAt) - Date.parse(src.reportedAt)) / 86_400_000;
      expect(dt).toBeGreaterThan(0);
      expect(dt).toBeLessThanOrEqual(14);
      // Address within 200 m; the location carries a few metres of jitter around it.
      expect(haversineM(f.location[0], f.location[1], src.location[0], src.location[1])).toBeLessThan(260);
    }
  });
});
