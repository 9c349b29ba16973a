import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.ts';
import { haversineM } from './geo.math.ts';
import { buildGraph, deserializeGraph, serializeGraph, type GraphWayInput, type RoadGraph } from './road.graph.ts';
import { stronglyConnectedComponents } from './road.scc.ts';
import { boundedDijkstra, edgeTimes, etasTo, route, travelTimesFrom } from './road.search.ts';
import { createSnapIndex } from './road.snap.ts';
import { DEFAULT_SPEED_PROFILE, ROAD_CLASSES, roadClassCode, speedsMps } from './road.speeds.ts';

const NOON = new Date('2026-03-02T04:00:00Z'); // 12:00 in Asia/Shanghai: free flow

/** Plain O(V²) Dijkstra over the raw input (nodes and ways), independent of the CSR code under test. */
function referenceTimes(
  nodes: { id: number; lon: number; lat: number }[],
  ways: GraphWayInput[],
  from: number,
  reverse: boolean,
): Map<number, number> {
  const mps = speedsMps(-1);
  const adj = new Map<number, { to: number; sec: number }[]>();
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const add = (a: number, b: number, sec: number): void => {
    const [u, v] = reverse ? [b, a] : [a, b];
    if (!adj.has(u)) adj.set(u, []);
    adj.get(u)!.push({ to: v, sec });
  };
  for (const w of ways) {
    const speed = mps[roadClassCode(w.roadClass)]!;
    for (let i = 1; i < w.nodeIds.length; i++) {
      const a = w.nodeIds[i - 1] as number;
      const b = w.nodeIds[i] as number;
      if (a === b) continue;
      const na = byId.get(a)!;
      const nb = byId.get(b)!;
      const sec = haversineM(na.lon, na.lat, nb.lon, nb.lat) / speed;
      if (w.oneway !== 'reverse') add(a, b, sec);
      if (w.oneway !== true) add(b, a, sec);
    }
  }
  const dist = new Map<number, number>([[from, 0]]);
  const done = new Set<number>();
  for (;;) {
    let u = -1;
    let best = Infinity;
    for (const [id, d] of dist) if (!done.has(id) && d < best) [u, best] = [id, d];
    if (u < 0) return dist;
    done.add(u);
    for (const { to, sec } of adj.get(u) ?? []) if (best + sec < (dist.get(to) ?? Infinity)) dist.set(to, best + sec);
  }
}

const vertexOfNode = (g: RoadGraph, n: { lon: number; lat: number }): number => {
  for (let v = 0; v < g.vertexCount; v++) if (g.lon[v] === n.lon && g.lat[v] === n.lat) return v;
  return -1;
};

const randomNetwork = fc
  .integer({ min: 2, max: 14 })
  .chain((n) =>
    fc.record({
      nodes: fc.constant(n).chain(() =>
        fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 })), {
          minLength: n,
          maxLength: n,
          selector: ([x, y]) => `${x},${y}`,
        }),
      ),
      ways: fc.array(
        fc.record({
          ids: fc.array(fc.integer({ min: 0, max: n - 1 }), { minLength: 2, maxLength: 5 }),
          cls: fc.constantFrom(...ROAD_CLASSES),
          oneway: fc.constantFrom(false, true, 'reverse' as const),
        }),
        { minLength: 1, maxLength: 12 },
      ),
    }),
  )
  .map(({ nodes, ways }) => ({
    nodes: nodes.map(([x, y], id) => ({ id, lon: 116.3 + x * 1e-4, lat: 39.9 + y * 1e-4 })),
    ways: ways.map((w) => ({ nodeIds: w.ids, roadClass: w.cls, oneway: w.oneway })),
  }));

describe('bounded Dijkstra', () => {
  it('equals a plain reference Dijkstra on random small graphs, forward and reverse, compressed or not', () => {
    fc.assert(
      fc.property(randomNetwork, fc.boolean(), fc.nat(), fc.boolean(), (net, keepAllNodes, pick, reverse) => {
        const g = buildGraph(net, { keepAllNodes });
        if (g.vertexCount === 0) return;
        const v0 = pick % g.vertexCount;
        const node0 = net.nodes.find((n) => n.lon === g.lon[v0] && n.lat === g.lat[v0])!;
        const times = edgeTimes(g, NOON);
        const got = boundedDijkstra(g, [v0], [0], { direction: reverse ? 'reverse' : 'forward', times });
        const ref = referenceTimes(net.nodes, net.ways, node0.id, reverse);
        for (const n of net.nodes) {
          const v = vertexOfNode(g, n);
          if (v < 0) continue; // compressed away (or unused)
          const expected = ref.get(n.id) ?? Infinity;
          if (expected === Infinity) expect(got[v]).toBe(Infinity);
          else expect(Math.abs(got[v]! - expected)).toBeLessThan(1e-9 * Math.max(1, expected));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('stops at the horizon: values within it are exact, everything beyond is Infinity', () => {
    const net = grid(30);
    const g = buildGraph(net);
    const times = edgeTimes(g, NOON);
    const full = boundedDijkstra(g, [0], [0], { direction: 'forward', times });
    const horizon = 60;
    const cut = boundedDijkstra(g, [0], [0], { direction: 'forward', times, horizonSec: horizon });
    let inside = 0;
    for (let v = 0; v < g.vertexCount; v++) {
      if (full[v]! <= horizon) {
        expect(cut[v]).toBe(full[v]);
        inside++;
      } else expect(cut[v]).toBe(Infinity);
    }
    expect(inside).toBeGreaterThan(10);
    expect(inside).toBeLessThan(g.vertexCount);
  });

  it('honours one-way streets: against the arrow the trip goes round the block', () => {
    // A square A-B-C-D with A→B one-way; B to A must go B-C-D-A.
    const nodes = [
      { id: 'A', lon: 116.3, lat: 39.9 },
      { id: 'B', lon: 116.301, lat: 39.9 },
      { id: 'C', lon: 116.301, lat: 39.901 },
      { id: 'D', lon: 116.3, lat: 39.901 },
    ];
    const g = buildGraph({
      nodes,
      ways: [
        { nodeIds: ['A', 'B'], roadClass: 'residential', oneway: true },
        { nodeIds: ['B', 'C', 'D', 'A'], roadClass: 'residential' },
      ],
    });
    const a = vertexOfNode(g, nodes[0]!);
    const b = vertexOfNode(g, nodes[1]!);
    const times = edgeTimes(g, NOON);
    const fromA = boundedDijkstra(g, [a], [0], { direction: 'forward', times });
    const fromB = boundedDijkstra(g, [b], [0], { direction: 'forward', times });
    const side = haversineM(116.3, 39.9, 116.301, 39.9) / (30 / 3.6);
    expect(fromA[b]).toBeCloseTo(side, 6);
    expect(fromB[a]).toBeGreaterThan(2.5 * side);
    // A one-way road with nothing else: unreachable against the arrow.
    const g2 = buildGraph({ nodes, ways: [{ nodeIds: ['A', 'B'], roadClass: 'primary', oneway: 'reverse' }] });
    const t2 = edgeTimes(g2, NOON);
    expect(boundedDijkstra(g2, [vertexOfNode(g2, nodes[0]!)], [0], { direction: 'forward', times: t2 })[1]).toBe(
      Infinity,
    );
    expect(stronglyConnectedComponents(g2).count).toBe(2);
  });

  it('is slower in the morning peak than at noon (Asia/Shanghai time)', () => {
    const g = buildGraph(grid(5));
    const peak = edgeTimes(g, new Date('2026-03-02T00:30:00Z')); // 08:30 local
    const noon = edgeTimes(g, NOON);
    expect(peak.forward[0]).toBeGreaterThan(noon.forward[0]!);
    expect(peak.forward[0]! / noon.forward[0]!).toBeCloseTo(1 / 0.6, 6); // primary: multiplier 0.6
    expect(DEFAULT_SPEED_PROFILE.utcOffsetHours).toBe(8);
  });
});

describe('points, ETAs and routes on a grid', () => {
  const g = buildGraph(grid(12));
  const net = createSnapIndex(g);

  it('gives every source the same ETA as a forward route from it', () => {
    const target = { lon: 116.3052, lat: 39.9031 };
    const sources = [
      { lon: 116.3001, lat: 39.9003 },
      { lon: 116.3097, lat: 39.9099 },
      { lon: 116.3049, lat: 39.9031 }, // same street as the target
      { lon: Number.NaN, lat: 39.9 },
      { lon: 120, lat: 30 }, // far from every road
    ];
    const { etas } = etasTo(net, target, sources, { departAt: NOON });
    for (let i = 0; i < 3; i++) {
      const r = route(net, sources[i]!, target, { departAt: NOON })!;
      expect(etas[i]!.etaSec).toBeCloseTo(r.properties.durationSec, 6);
      expect(r.geometry.coordinates.length).toBeGreaterThanOrEqual(2);
      const first = r.geometry.coordinates[0]!;
      expect(first[0]).toBeCloseTo(etas[i]!.snap!.lon, 9);
    }
    expect(etas[2]!.etaSec).toBeLessThan(5);
    expect(etas[3]).toMatchObject({ etaSec: Infinity, error: 'COORDINATES_INVALID' });
    expect(etas[4]).toMatchObject({ etaSec: Infinity, error: 'NO_ROAD_NEARBY' });
  });

  it('measures a route along the streets (Manhattan distance on a grid)', () => {
    const r = route(net, { lon: 116.3, lat: 39.9 }, { lon: 116.303, lat: 39.902 }, { departAt: NOON })!;
    const expected = haversineM(116.3, 39.9, 116.303, 39.9) + haversineM(116.303, 39.9, 116.303, 39.902);
    expect(r.properties.distanceM).toBeCloseTo(expected, 1); // segment sums vs one arc: mm apart
    expect(r.geometry.type).toBe('LineString');
  });

  it('answers ETAs of Infinity beyond the horizon and rejects a bad target', () => {
    const { etas } = etasTo(net, { lon: 116.3, lat: 39.9 }, [{ lon: 116.311, lat: 39.911 }], {
      horizonSec: 10,
      departAt: NOON,
    });
    expect(etas[0]!.etaSec).toBe(Infinity);
    expect(() => etasTo(net, { lon: 39.9, lat: 116.3 }, [])).toThrowError(
      expect.objectContaining({ code: 'COORDINATES_INVALID' }) as Error,
    );
    expect(() => travelTimesFrom(net, 0, 0)).toThrowError(expect.objectContaining({ code: 'NO_ROAD_NEARBY' }) as Error);
  });
});

describe('graph building and serialisation', () => {
  it('round-trips through one binary buffer', () => {
    const g = buildGraph(grid(8), { keepAllNodes: true });
    const back = deserializeGraph(serializeGraph(g));
    for (const key of [
      'lon',
      'lat',
      'offsets',
      'targets',
      'lengthM',
      'roadClass',
      'reverseOffsets',
      'reverseEdges',
      'shapeLon',
    ] as const) {
      expect(Array.from(back[key])).toEqual(Array.from(g[key]));
    }
    expect(back.routableNodeCount).toBe(g.routableNodeCount);
  });

  it('rejects corrupt or foreign buffers with ROAD_GRAPH_INVALID', () => {
    const bytes = serializeGraph(buildGraph(grid(4)));
    const cases = [new Uint8Array(10), bytes.slice(0, bytes.length - 8), new TextEncoder().encode('x'.repeat(500))];
    const tampered = bytes.slice();
    new DataView(tampered.buffer).setFloat64(16, 1e9, true); // absurd vertex count
    cases.push(tampered);
    for (const c of cases)
      expect(() => deserializeGraph(c)).toThrowError(expect.objectContaining({ code: 'ROAD_GRAPH_INVALID' }) as Error);
  });

  it('rejects unknown road classes and invalid coordinates', () => {
    const nodes = [
      { id: 1, lon: 116, lat: 39 },
      { id: 2, lon: 116.1, lat: 39 },
    ];
    expect(() => buildGraph({ nodes, ways: [{ nodeIds: [1, 2], roadClass: 'footway' as 'primary' }] })).toThrow(
      AppError,
    );
    expect(() => buildGraph({ nodes: [...nodes, { id: 3, lon: Number.NaN, lat: 1 }], ways: [] })).toThrow(
      /invalid coordinates/,
    );
  });

  it('compresses degree-2 chains but keeps their geometry length, and splits ways at absent nodes', () => {
    const nodes = [0, 1, 2, 3].map((i) => ({ id: i, lon: 116 + i * 0.001, lat: 39 + (i % 2) * 0.001 }));
    const g = buildGraph({ nodes, ways: [{ nodeIds: [0, 1, 2, 3, 99], roadClass: 'primary' }] });
    expect(g.vertexCount).toBe(2);
    expect(g.pieceCount).toBe(1);
    let len = 0;
    for (let i = 1; i < 4; i++) len += haversineM(nodes[i - 1]!.lon, nodes[i - 1]!.lat, nodes[i]!.lon, nodes[i]!.lat);
    expect(g.pieceLengthM[0]).toBeCloseTo(len, 9);
    expect(g.shapeOffsets[1]).toBe(4);
    expect(
      buildGraph({ nodes, ways: [{ nodeIds: [0, 1, 2, 3], roadClass: 'primary' }] }, { keepAllNodes: true })
        .vertexCount,
    ).toBe(4);
  });
});

describe('strongly connected components', () => {
  it('finds the components of a small directed graph', () => {
    const nodes = [0, 1, 2, 3, 4].map((i) => ({ id: i, lon: 116 + i * 0.001, lat: 39 }));
    const g = buildGraph(
      {
        nodes,
        ways: [
          { nodeIds: [0, 1], roadClass: 'primary', oneway: true },
          { nodeIds: [1, 2], roadClass: 'primary', oneway: true },
          { nodeIds: [2, 0], roadClass: 'primary', oneway: true },
          { nodeIds: [2, 3], roadClass: 'primary', oneway: true },
          { nodeIds: [3, 4], roadClass: 'primary' },
        ],
      },
      { keepAllNodes: true },
    );
    const scc = stronglyConnectedComponents(g);
    expect(scc.count).toBe(2);
    const c = scc.component;
    expect(c[0]).toBe(c[1]);
    expect(c[1]).toBe(c[2]);
    expect(c[3]).toBe(c[4]);
    expect(c[0]).not.toBe(c[3]);
    expect(scc.largestShare).toBeCloseTo(3 / 5, 9);
    expect(stronglyConnectedComponents(buildGraph(grid(20))).count).toBe(1);
  });
});

/** An n×n street grid 0.001° apart (about 85 m × 111 m): primary roads, every third one-way eastbound. */
export function grid(n: number): { nodes: { id: number; lon: number; lat: number }[]; ways: GraphWayInput[] } {
  const nodes: { id: number; lon: number; lat: number }[] = [];
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) nodes.push({ id: y * n + x, lon: 116.3 + x * 0.001, lat: 39.9 + y * 0.001 });
  const ways: GraphWayInput[] = [];
  for (let y = 0; y < n; y++) {
    ways.push({ nodeIds: Array.from({ length: n }, (_, x) => y * n + x), roadClass: 'primary', oneway: y % 3 === 1 });
  }
  for (let x = 0; x < n; x++)
    ways.push({ nodeIds: Array.from({ length: n }, (_, y) => y * n + x), roadClass: 'residential' });
  return { nodes, ways };
}
