import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasSharedData, missing, sharedDataDir } from '../../../../test/helpers/env.ts';
import { importOsmPbf, onewayOf } from './osm.import.ts';
import type { RoadGraph } from './road.graph.ts';
import { stronglyConnectedComponents } from './road.scc.ts';
import { boundedDijkstra, edgeTimes } from './road.search.ts';
import { createSnapIndex, snapToRoad } from './road.snap.ts';

const osmDir = join(sharedDataDir, 'osm');
const skip = missing(
  'shared OSM extracts (../shared/data/osm)',
  hasSharedData,
  'Provide andorra.osm.pbf and monaco.osm.pbf there.',
);
const NOON = new Date('2026-03-02T04:00:00Z');

describe.skipIf(skip)('OSM import of the shared extracts', () => {
  const graphs = new Map<string, { compressed: RoadGraph; full: RoadGraph }>();
  beforeAll(async () => {
    for (const name of ['andorra', 'monaco']) {
      const path = join(osmDir, `${name}.osm.pbf`);
      graphs.set(name, {
        compressed: (await importOsmPbf(path)).graph,
        full: (await importOsmPbf(path, { keepAllNodes: true })).graph,
      });
    }
  });

  it.each([
    ['andorra', 16_600],
    ['monaco', 16_400],
  ])('%s: routable vertex count within ±5%% of %i', (name, expected) => {
    const { compressed, full } = graphs.get(name)!;
    // The reference figures count every node of a car-usable way (the uncompressed graph).
    expect(Math.abs(full.vertexCount - expected) / expected).toBeLessThan(0.05);
    expect(compressed.routableNodeCount).toBe(full.vertexCount);
    // Compressed: only intersections and way ends stay vertices.
    expect(compressed.vertexCount).toBeLessThan(full.vertexCount / 4);
    expect(compressed.vertexCount).toBeGreaterThan(1000);
    console.info(`[geo] ${name}: ${full.vertexCount} routable nodes, ${compressed.vertexCount} junction vertices`);
  });

  it.each(['andorra', 'monaco'])('%s: compressed and full graphs give the same travel times at junctions', (name) => {
    const { compressed: c, full: f } = graphs.get(name)!;
    const key = (lon: number, lat: number): string => `${lon},${lat}`;
    const fullIndex = new Map<string, number>();
    for (let v = 0; v < f.vertexCount; v++) fullIndex.set(key(f.lon[v]!, f.lat[v]!), v);
    for (let trial = 0; trial < 5; trial++) {
      const cv = (trial * 7919) % c.vertexCount;
      const fv = fullIndex.get(key(c.lon[cv]!, c.lat[cv]!))!;
      const tc = boundedDijkstra(c, [cv], [0], { direction: 'reverse', times: edgeTimes(c, NOON), horizonSec: 2700 });
      const tf = boundedDijkstra(f, [fv], [0], { direction: 'reverse', times: edgeTimes(f, NOON), horizonSec: 2700 });
      let compared = 0;
      for (let v = 0; v < c.vertexCount; v++) {
        const other = tf[fullIndex.get(key(c.lon[v]!, c.lat[v]!))!]!;
        if (tc[v] === Infinity) expect(other).toBe(Infinity);
        else {
          expect(Math.abs(tc[v]! - other)).toBeLessThan(1e-6);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(0);
    }
  });

  it.each(['andorra', 'monaco'])('%s: the largest strongly connected component holds most of the network', (name) => {
    const { compressed, full } = graphs.get(name)!;
    const scc = stronglyConnectedComponents(full);
    console.info(
      `[geo] ${name}: ${scc.count} SCCs, largest holds ${(scc.largestShare * 100).toFixed(1)}% of ${full.vertexCount} vertices`,
    );
    expect(scc.largestShare).toBeGreaterThan(0.8);
    expect(stronglyConnectedComponents(compressed).largestShare).toBeGreaterThan(0.8);
  });

  it('snaps random points exactly as a brute-force scan of every segment', () => {
    const g = graphs.get('andorra')!.compressed;
    const net = createSnapIndex(g);
    const pieceStarts = new Set(g.shapeOffsets);
    let seed = 42;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 100; i++) {
      const v = Math.floor(rnd() * g.vertexCount);
      const lon = g.lon[v]! + (rnd() - 0.5) * 0.01;
      const lat = g.lat[v]! + (rnd() - 0.5) * 0.01;
      const snap = snapToRoad(net, lon, lat, { maxDistanceM: 5000 });
      const mx = 111_194.93 * Math.cos((lat * Math.PI) / 180);
      const my = 111_194.93;
      let best = Infinity;
      for (let k = 0; k < g.shapeLon.length - 1; k++) {
        if (pieceStarts.has(k + 1)) continue; // k is the last point of a piece
        const ax = (g.shapeLon[k]! - lon) * mx;
        const ay = (g.shapeLat[k]! - lat) * my;
        const dx = (g.shapeLon[k + 1]! - lon) * mx - ax;
        const dy = (g.shapeLat[k + 1]! - lat) * my - ay;
        const l2 = dx * dx + dy * dy;
        const t = l2 > 0 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / l2)) : 0;
        best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
      }
      expect(snap.distanceM).toBeCloseTo(best, 2); // same segment; metres-per-degree constants differ slightly
      expect(snap.offsetM).toBeGreaterThanOrEqual(0);
      expect(snap.offsetM).toBeLessThanOrEqual(snap.pieceLengthM + 1e-6);
    }
  });
});

describe('OSM import of bad input', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'jw-osm-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['empty.osm.pbf', 'too_short', Buffer.alloc(0)],
    ['text.osm.pbf', 'not_pbf', Buffer.from('<?xml version="1.0"?><osm></osm>\n'.repeat(20))],
    ['huge-length.osm.pbf', 'not_pbf', Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6])],
  ])('%s fails with OSM_FILE_INVALID (%s)', async (file, reason, bytes) => {
    const path = join(dir, file);
    writeFileSync(path, bytes);
    await expect(importOsmPbf(path)).rejects.toMatchObject({ code: 'OSM_FILE_INVALID', details: { reason } });
  });

  it('a missing file fails with OSM_FILE_INVALID', async () => {
    await expect(importOsmPbf(join(dir, 'absent.osm.pbf'))).rejects.toMatchObject({
      code: 'OSM_FILE_INVALID',
      details: { reason: 'unreadable' },
    });
  });

  it.skipIf(skip)('a truncated or corrupted real extract fails with OSM_FILE_INVALID instead of hanging', async () => {
    const { readFileSync } = await import('node:fs');
    const real = readFileSync(join(osmDir, 'monaco.osm.pbf'));
    const truncated = join(dir, 'truncated.osm.pbf');
    writeFileSync(truncated, real.subarray(0, Math.floor(real.length / 2)));
    await expect(importOsmPbf(truncated)).rejects.toMatchObject({ code: 'OSM_FILE_INVALID' });
    const garbled = Buffer.from(real);
    for (let i = 2000; i < garbled.length; i += 97) garbled[i] = garbled[i]! ^ 0x5a;
    const corrupt = join(dir, 'garbled.osm.pbf');
    writeFileSync(corrupt, garbled);
    await expect(importOsmPbf(corrupt)).rejects.toMatchObject({ code: 'OSM_FILE_INVALID' });
  });

  it('reads one-way tags the OSM way', () => {
    expect(onewayOf({ highway: 'residential', oneway: 'yes' })).toBe(true);
    expect(onewayOf({ highway: 'residential', oneway: '-1' })).toBe('reverse');
    expect(onewayOf({ highway: 'primary', junction: 'roundabout' })).toBe(true);
    expect(onewayOf({ highway: 'motorway' })).toBe(true);
    expect(onewayOf({ highway: 'motorway', oneway: 'no' })).toBe(false);
    expect(onewayOf({ highway: 'residential' })).toBe(false);
  });
});
