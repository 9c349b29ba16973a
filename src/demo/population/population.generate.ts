/**
 * `generatePopulation(geo, { seed, scale })`: everything that lives in the generated city — police force,
 * residents, houses, enterprises and a few years of historical incidents — as plain data, byte-identical for
 * the same geography and seed.
 *
 * @example
 *   const geo = generateGeography({ seed: 7, scale: 'city' });
 *   const population = generatePopulation(geo, { seed: 7, scale: 'city' });
 *   population.officers.length // ≈ 2,000; population.residents.length ≈ 200,000
 */
import type { CityGeography, CityScale } from '../city.model.ts';
import { AddressIndex } from './address.index.ts';
import { chooseHotspots, type HotspotOptions } from './hotspots.ts';
import { IdentityPool } from './identity.ts';
import { DEFAULT_INCIDENT_OPTIONS, generateIncidents, type IncidentOptions } from './incidents.generate.ts';
import { generatePolice, type PoliceOptions } from './police.generate.ts';
import type { Population } from './population.model.ts';
import { Rng } from './random.ts';
import { generateSociety } from './society.generate.ts';

interface ScaleDefaults {
  officersPerStation: number;
  unitsPerStation: number;
  residents: number;
  hotspots: number;
  incidentYears: number;
}

/** Targets per scale: `city` ≈ 2,000 officers and 300 units over ~40 stations, 200k residents. */
export const SCALE_DEFAULTS: Record<CityScale, ScaleDefaults> = {
  small: { officersPerStation: 12, unitsPerStation: 3, residents: 3_000, hotspots: 2, incidentYears: 2 },
  city: { officersPerStation: 50, unitsPerStation: 7.5, residents: 200_000, hotspots: 5, incidentYears: 3 },
  province: { officersPerStation: 50, unitsPerStation: 7.5, residents: 2_000_000, hotspots: 30, incidentYears: 3 },
};

/** The data's reference date: ages, certificate expiry and the end of the incident history. */
export const DEFAULT_AS_OF = '2026-11-01';

export interface PopulationOptions {
  seed: number;
  scale: CityScale;
  asOf?: string;
  /** Overrides the scale's resident target (capped by the rooms in the geography). */
  residents?: number;
  police?: Partial<Omit<PoliceOptions, 'asOf'>>;
  hotspots?: Partial<HotspotOptions>;
  incidents?: Partial<IncidentOptions>;
}

/** Generates the population of a generated city. Deterministic in (geography, options). */
export function generatePopulation(geo: CityGeography, opts: PopulationOptions): Population {
  if (!Number.isInteger(opts.seed)) throw new Error(`seed must be an integer, got ${opts.seed}`);
  const defaults = SCALE_DEFAULTS[opts.scale];
  if (!defaults) throw new Error(`unknown scale "${String(opts.scale)}": use small, city or province`);
  if (geo.addresses.length === 0 || geo.stations.length === 0) {
    throw new Error('the geography has no addresses or no stations: generate the geography first');
  }
  const asOf = opts.asOf ?? DEFAULT_AS_OF;
  const ids = new IdentityPool(new Rng(opts.seed, 'identity'));
  const police = generatePolice(geo, new Rng(opts.seed, 'police'), ids, {
    officersPerStation: opts.police?.officersPerStation ?? defaults.officersPerStation,
    unitsPerStation: opts.police?.unitsPerStation ?? defaults.unitsPerStation,
    asOf,
  });
  const index = new AddressIndex(geo.addresses);
  const hotspots = chooseHotspots(index, new Rng(opts.seed, 'hotspots'), {
    count: opts.hotspots?.count ?? defaults.hotspots,
    radiusM: opts.hotspots?.radiusM ?? 250,
    separationM: opts.hotspots?.separationM ?? Math.min(1_500, index.diameterM() / 4),
  });
  const society = generateSociety(geo, new Rng(opts.seed, 'society'), ids, hotspots, {
    residents: opts.residents ?? defaults.residents,
    asOf,
  });
  const households = new Map<string, number>();
  const seenHouseholds = new Set<string>();
  for (const r of society.residents) {
    if (seenHouseholds.has(r.householdId)) continue;
    seenHouseholds.add(r.householdId);
    households.set(r.addressId, (households.get(r.addressId) ?? 0) + 1);
  }
  const enterprises = new Map<string, number>();
  for (const e of society.enterprises) enterprises.set(e.addressId, (enterprises.get(e.addressId) ?? 0) + 1);
  const incidents = generateIncidents(
    geo,
    index,
    hotspots,
    { households, enterprises },
    society.residents.length,
    new Rng(opts.seed, 'incidents'),
    {
      ...DEFAULT_INCIDENT_OPTIONS,
      years: defaults.incidentYears,
      end: asOf,
      ...opts.incidents,
      nearRepeat: { ...DEFAULT_INCIDENT_OPTIONS.nearRepeat, ...opts.incidents?.nearRepeat },
    },
  );
  return {
    seed: opts.seed,
    scale: opts.scale,
    asOf,
    ...police,
    ...society,
    incidents,
    hotspots,
  };
}
