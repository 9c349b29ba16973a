import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPolygonIndex, stronglyConnectedComponents } from '../../server/modules/geo/index.ts';
import type { CityGeography, CityJurisdiction, LonLat, PolygonRings } from '../city.model.ts';
import { generateGeography } from './geography.generator.ts';
import { buildRoadGraph } from './geography.graph.ts';
import { GeoRng } from './geography.prng.ts';

const sha = (g: CityGeography): string => createHash('sha256').update(JSON.stringify(g)).digest('hex');
const small = generateGeography({ seed: 1, scale: 'small' });
const city = generateGeography({ seed: 110, scale: 'city' });

/** Even-odd point in polygon, or on one of its edges (within 1e-9°). */
function insideOrOn(rings: PolygonRings, [x, y]: LonLat): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      const dx = xj - xi;
      const dy = yj - yi;
      const t = Math.max(0, Math.min(1, ((x - xi) * dx + (y - yi) * dy) / (dx * dx + dy * dy || 1)));
      if (Math.hypot(xi + t * dx - x, yi + t * dy - y) < 1e-9) return true;
      if (yi > y !== yj > y && x < (dx * (y - yi)) / dy + xi) inside = !inside;
    }
  }
  return inside;
}

function segmentsCross(a: LonLat, b: LonLat, c: LonLat, d: LonLat): boolean {
  const o = (p: LonLat, q: LonLat, r: LonLat) =>
    Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
  return o(a, b, c) !== o(a, b, d) && o(c, d, a) !== o(c, d, b);
}

const byLevel = (g: CityGeography, level: CityJurisdiction['level']) =>
  g.jurisdictions.filter((j) => j.level === level);
const index = (js: CityJurisdiction[]) =>
  createPolygonIndex(js.map((j) => ({ id: j.id, geometry: { type: 'Polygon' as const, coordinates: j.boundary } })));

describe.each([
  ['small', small],
  ['city', city],
])('generated geography (%s)', (_name, geo) => {
  it('has a well-formed jurisdiction tree: codes extend their parent, parents come first', () => {
    const seen = new Map<string, CityJurisdiction>();
    const length = { province: 2, city: 4, county: 6, station: 9, community: 12, grid: 15 };
    for (const j of geo.jurisdictions) {
      expect(j.id).toHaveLength(length[j.level]);
      if (j.parentId !== null) {
        expect(seen.has(j.parentId), `${j.id} after its parent`).toBe(true);
        expect(j.id.startsWith(j.parentId)).toBe(true);
      }
      expect(j.boundary[0]![0]).toEqual(j.boundary[0]![j.boundary[0]!.length - 1]);
      seen.set(j.id, j);
    }
    expect(seen.size).toBe(geo.jurisdictions.length);
    expect(geo.jurisdictions[0]).toMatchObject({ id: '91', name: '东川省' });
    expect(byLevel(geo, 'city')[0]).toMatchObject({ id: '9101', name: '江州市' });
  });

  it('puts every grid inside its community, station, county and city (every vertex inside or on the parent)', () => {
    const byId = new Map(geo.jurisdictions.map((j) => [j.id, j]));
    for (const j of geo.jurisdictions) {
      if (j.level === 'province' || j.level === 'city' || !j.parentId) continue;
      const parent = byId.get(j.parentId)!;
      for (const p of j.boundary[0]!)
        expect(insideOrOn(parent.boundary, p), `${j.id} vertex in ${parent.id}`).toBe(true);
    }
  });

  it('partitions every level without overlaps and covers the city (sampled points)', () => {
    const cityJ = byLevel(geo, 'city')[0]!;
    const lons = cityJ.boundary[0]!.map((p) => p[0]);
    const lats = cityJ.boundary[0]!.map((p) => p[1]);
    const rng = new GeoRng(5);
    const levels = (['county', 'station', 'community', 'grid'] as const).map((l) => index(byLevel(geo, l)));
    let insideCity = 0;
    for (let k = 0; k < 3000; k++) {
      const p: LonLat = [
        rng.range(Math.min(...lons), Math.max(...lons)),
        rng.range(Math.min(...lats), Math.max(...lats)),
      ];
      const inCity = insideOrOn(cityJ.boundary, p);
      if (inCity) insideCity++;
      for (const idx of levels) expect(idx.resolveAll(p[0], p[1]).length).toBe(inCity ? 1 : 0);
    }
    expect(insideCity).toBeGreaterThan(1000);
  });

  it('places every address in exactly one grid, the one it names', () => {
    const grids = index(byLevel(geo, 'grid'));
    for (const a of geo.addresses) {
      expect(grids.resolveAll(a.location[0], a.location[1]), a.id).toEqual([a.gridId]);
    }
    const keys = new Set(geo.addresses.map((a) => `${a.district}${a.street}${a.building}`));
    expect(keys.size).toBe(geo.addresses.length);
  });

  it('gives every station a public building inside its own jurisdiction', () => {
    const addresses = new Map(geo.addresses.map((a) => [a.id, a]));
    expect(geo.stations).toHaveLength(byLevel(geo, 'station').length);
    for (const s of geo.stations) {
      const a = addresses.get(s.addressId)!;
      expect(a.kind).toBe('public');
      expect(a.gridId.startsWith(s.id)).toBe(true);
      expect(a.location).toEqual(s.location);
    }
    expect(new Set(geo.stations.map((s) => s.name)).size).toBe(geo.stations.length);
  });

  it('builds one strongly connected drivable network with every road class, one-way pairs and bridges', () => {
    const graph = buildRoadGraph(geo.roads);
    const scc = stronglyConnectedComponents(graph);
    expect(scc.count).toBe(1);
    const classes = new Set(geo.roads.map((r) => r.roadClass));
    for (const c of ['motorway', 'motorway_link', 'trunk', 'primary', 'secondary', 'tertiary', 'residential']) {
      expect(classes.has(c as never), c).toBe(true);
    }
    expect(geo.roads.filter((r) => r.oneway).length).toBeGreaterThanOrEqual(2);
    expect(geo.roads.filter((r) => r.bridge).length).toBeGreaterThanOrEqual(2);
  });

  it('crosses the river only on bridges', () => {
    for (const road of geo.roads) {
      let touches = false;
      for (const w of geo.water) {
        const ring = w.polygon[0]!;
        for (let k = 0; k < road.coords.length - 1 && !touches; k++) {
          if (insideOrOn(w.polygon, road.coords[k]!)) touches = true;
          for (let m = 0; m < ring.length - 1 && !touches; m++) {
            if (segmentsCross(road.coords[k]!, road.coords[k + 1]!, ring[m]!, ring[m + 1]!)) touches = true;
          }
        }
      }
      if (road.bridge) expect(touches, `bridge ${road.id} ${road.name} spans water`).toBe(true);
      else expect(touches, `road ${road.id} ${road.name} stays off the water`).toBe(false);
    }
  });
});

describe('generator determinism and scales', () => {
  it('gives byte-identical output for the same seed and different output for another seed', () => {
    expect(sha(generateGeography({ seed: 1, scale: 'small' }))).toBe(sha(small));
    expect(sha(generateGeography({ seed: 2, scale: 'small' }))).not.toBe(sha(small));
  });

  it('sizes the city for the demo: 5-8 districts, about 40 stations, thousands of addresses', () => {
    expect(byLevel(city, 'county').length).toBeGreaterThanOrEqual(5);
    expect(byLevel(city, 'county').length).toBeLessThanOrEqual(8);
    expect(byLevel(city, 'station')).toHaveLength(40);
    expect(city.addresses.length).toBeGreaterThan(8000);
    expect(byLevel(city, 'grid').length).toBeGreaterThan(500);
  });

  it('rejects a non-integer seed and an unknown scale', () => {
    expect(() => generateGeography({ seed: 1.5, scale: 'small' })).toThrow(RangeError);
    expect(() => generateGeography({ seed: 1, scale: 'huge' as never })).toThrow(RangeError);
  });
});
