/**
 * CONTRACT between the demo-city generator's parts (issue #3): the geography (roads, water, jurisdictions,
 * addresses, stations) is generated first; the population (officers, units, vehicles, residents, houses,
 * enterprises, historical incidents) is generated from it. Both are plain data, deterministic for a seed,
 * and written to the database by `src/demo/city.writer.ts`.
 *
 * Coordinates are WGS-84 `[lon, lat]`. Ids are stable strings derived from the seed and position, never
 * random UUIDs, so the same seed gives byte-identical data.
 */
import type { JurisdictionLevel } from '../contracts/roles.ts';
import type { RoadClass } from '../server/modules/geo/index.ts';

export type CityScale = 'small' | 'city' | 'province';

export type LonLat = [lon: number, lat: number];

/** A GeoJSON polygon ring set: outer ring first, closed (first = last). */
export type PolygonRings = LonLat[][];

export interface CityJurisdiction {
  /** GB/T 2260-style code for province/city/county; +3 digits per lower level (station, community, grid). */
  id: string;
  parentId: string | null;
  level: JurisdictionLevel;
  name: string;
  boundary: PolygonRings;
}

export interface CityRoad {
  id: string;
  /** Chinese street name, e.g. 江滨路, 人民大道, 绕城高速. */
  name: string;
  roadClass: RoadClass;
  /** True: traffic flows only in the order of `coords`. */
  oneway: boolean;
  /** True for bridge segments over the river. */
  bridge: boolean;
  coords: LonLat[];
}

export interface CityWater {
  id: string;
  name: string;
  polygon: PolygonRings;
}

/** A standard address (标准地址) of one building on a street; rooms are `room` strings under it. */
export interface CityAddress {
  id: string;
  /** The grid (网格) jurisdiction id the building lies in. */
  gridId: string;
  province: string;
  city: string;
  district: string;
  /** Street name and door number, e.g. 江滨路128号. */
  street: string;
  /** The street name alone, e.g. 江滨路 (optional: derived from `street` when absent). */
  roadName?: string;
  doorNumber: number;
  community: string;
  /** Building (楼/栋) label, e.g. 3栋. */
  building: string;
  /** Units (单元) in the building and floors; rooms are `${unit}单元${floor}${NN}室`. */
  units: number;
  floors: number;
  roomsPerFloor: number;
  kind: 'residential' | 'commercial' | 'industrial' | 'public';
  location: LonLat;
  /** The road the door opens onto. */
  roadId: string;
}

export interface CityStation {
  /** Same id as the station-level jurisdiction. */
  id: string;
  name: string;
  location: LonLat;
  addressId: string;
}

export interface CityGeography {
  seed: number;
  scale: CityScale;
  jurisdictions: CityJurisdiction[];
  roads: CityRoad[];
  water: CityWater[];
  addresses: CityAddress[];
  stations: CityStation[];
}
