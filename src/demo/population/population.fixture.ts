/**
 * A hand-built `CityGeography` for the population generator's tests and timings, independent of the
 * geography generator: a lattice city of rectangular counties → stations → one community each → grids,
 * with a block of buildings per grid (mostly residential, a commercial street, some industry and public
 * buildings) and a road along every row and column of buildings.
 *
 * @example
 *   fixtureGeography()                                            // tiny: 2 counties × 2 stations × 2 grids
 *   fixtureGeography({ counties: 6, stationsPerCounty: 7, gridsPerStation: 4 }) // city-sized: 42 stations
 */
import type { Executor } from '../../server/db/client.ts';
import type { CityAddress, CityGeography, CityJurisdiction, CityRoad, CityStation, LonLat } from '../city.model.ts';
import { bulkInsert } from './population.writer.ts';

export interface FixtureOptions {
  counties?: number;
  stationsPerCounty?: number;
  gridsPerStation?: number;
  /** Buildings per grid along x and y. */
  blockX?: number;
  blockY?: number;
  seed?: number;
}

const W = 113.2;
const S = 23.0;
/** Building spacing: ~100 m. */
const STEP_LON = 0.00098;
const STEP_LAT = 0.0009;

const rect = (w: number, s: number, e: number, n: number): LonLat[][] => [
  [
    [w, s],
    [e, s],
    [e, n],
    [w, n],
    [w, s],
  ],
];

/** Builds the lattice city. Deterministic; building sizes vary by position only. */
export function fixtureGeography(opts: FixtureOptions = {}): CityGeography {
  const counties = opts.counties ?? 2;
  const stationsPerCounty = opts.stationsPerCounty ?? 2;
  const gridsPerStation = opts.gridsPerStation ?? 2;
  const bx = opts.blockX ?? 5;
  const by = opts.blockY ?? 4;
  const gridW = bx * STEP_LON;
  const gridH = by * STEP_LAT;
  const stationW = gridsPerStation * gridW;
  const countyH = stationsPerCounty * gridH;
  const east = W + stationW;
  const north = S + counties * countyH;
  const jurisdictions: CityJurisdiction[] = [
    {
      id: '91',
      parentId: null,
      level: 'province',
      name: '东川省',
      boundary: rect(W - 0.1, S - 0.1, east + 0.1, north + 0.1),
    },
    { id: '9101', parentId: '91', level: 'city', name: '江州市', boundary: rect(W, S, east, north) },
  ];
  const addresses: CityAddress[] = [];
  const stations: CityStation[] = [];
  const roads: CityRoad[] = [];
  const districtNames = ['江南区', '江北区', '青山县', '白沙区', '临江区', '东湖区', '西岭县', '南塘区'];
  const stationNames = '东门 西湖 南山 北塔 临江 白沙 青石 金桥 柳岸 桃源 石门 长亭 春江 秋实 望海 云台'.split(' ');
  let stationNo = 0;
  for (let c = 0; c < counties; c++) {
    const countyId = `9101${String(c + 2).padStart(2, '0')}`;
    const district = districtNames[c % districtNames.length]!;
    const cs = S + c * countyH;
    jurisdictions.push({
      id: countyId,
      parentId: '9101',
      level: 'county',
      name: district,
      boundary: rect(W, cs, east, cs + countyH),
    });
    for (let s = 0; s < stationsPerCounty; s++) {
      const stationId = `${countyId}${String(s + 1).padStart(3, '0')}`;
      const ss = cs + s * gridH;
      const stationName =
        stationNames[stationNo % stationNames.length]! + (stationNo >= stationNames.length ? String(stationNo) : '');
      stationNo++;
      jurisdictions.push({
        id: stationId,
        parentId: countyId,
        level: 'station',
        name: `${stationName}派出所`,
        boundary: rect(W, ss, east, ss + gridH),
      });
      const communityId = `${stationId}001`;
      const community = `${stationName}社区`;
      jurisdictions.push({
        id: communityId,
        parentId: stationId,
        level: 'community',
        name: community,
        boundary: rect(W, ss, east, ss + gridH),
      });
      for (let g = 0; g < gridsPerStation; g++) {
        const gridId = `${communityId}${String(g + 1).padStart(3, '0')}`;
        const gw = W + g * gridW;
        jurisdictions.push({
          id: gridId,
          parentId: communityId,
          level: 'grid',
          name: `${community}第${g + 1}网格`,
          boundary: rect(gw, ss, gw + gridW, ss + gridH),
        });
        for (let i = 0; i < bx; i++) {
          for (let j = 0; j < by; j++) {
            const k = addresses.length;
            // One row of shops per grid; industry in the last county's last grids; a school/clinic per grid.
            const kind: CityAddress['kind'] =
              j === 0
                ? 'commercial'
                : c === counties - 1 && g === gridsPerStation - 1 && j === 1
                  ? 'industrial'
                  : i === 0 && j === by - 1
                    ? 'public'
                    : 'residential';
            const door = 1 + 2 * (g * bx + i);
            addresses.push({
              id: `addr-${gridId}-${i}${j}`,
              gridId,
              province: '东川省',
              city: '江州市',
              district,
              street: `${stationName}路${door}号`,
              roadName: `${stationName}路`,
              doorNumber: door,
              community,
              building: `${j + 1}栋`,
              units: kind === 'residential' ? 1 + ((k * 7) % 3) : 1,
              floors: kind === 'residential' ? 6 + ((k * 5) % 13) : 3,
              roomsPerFloor: kind === 'residential' ? 2 : 1,
              kind,
              location: [round6(gw + (i + 0.5) * STEP_LON), round6(ss + (j + 0.5) * STEP_LAT)] as LonLat,
              roadId: `road-${countyId}-${s}-${j}`,
            });
          }
        }
        if (g === 0)
          stations.push({
            id: stationId,
            name: `${stationName}派出所`,
            location: addresses.at(-by)!.location,
            addressId: addresses.at(-by)!.id,
          });
      }
      for (let j = 0; j < by; j++) {
        const lat = round6(ss + (j + 0.5) * STEP_LAT - STEP_LAT / 2);
        roads.push({
          id: `road-${countyId}-${s}-${j}`,
          name: `${stationName}路`,
          roadClass: j === 0 ? 'primary' : 'residential',
          oneway: false,
          bridge: false,
          coords: [
            [W, lat],
            [east, lat],
          ],
        });
      }
    }
  }
  for (let x = 0; x <= gridsPerStation * bx; x += bx) {
    const lon = round6(W + x * STEP_LON);
    roads.push({
      id: `avenue-${x}`,
      name: `人民大道${x}`,
      roadClass: 'secondary',
      oneway: false,
      bridge: false,
      coords: [
        [lon, S],
        [lon, north],
      ],
    });
  }
  return { seed: opts.seed ?? 1, scale: 'small', jurisdictions, roads, water: [], addresses, stations };
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/**
 * Writes the fixture's jurisdictions (parents first, with materialised paths) — what the geography writer does
 * for a generated city — so population rows can reference them.
 */
export async function insertFixtureJurisdictions(ex: Executor, geo: CityGeography): Promise<void> {
  const paths = new Map<string, string>();
  const rows = geo.jurisdictions.map((j) => {
    const path = `${j.parentId ? paths.get(j.parentId)! : '/'}${j.id}/`;
    paths.set(j.id, path);
    return [j.id, j.parentId, j.level, j.name, path, JSON.stringify({ type: 'Polygon', coordinates: j.boundary })];
  });
  await bulkInsert(
    ex,
    'jurisdictions',
    [
      ['id', 'text'],
      ['parent_id', 'text'],
      ['level', 'text'],
      ['name', 'text'],
      ['path', 'text'],
      ['boundary', 'jsonb'],
    ],
    rows,
  );
}
