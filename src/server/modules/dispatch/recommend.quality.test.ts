import { describe, expect, it } from 'vitest';
import { buildGraph, createSnapIndex, haversineM, snapToRoad, type GraphWayInput } from '../geo/index.ts';
import {
  evaluateDispatchQuality,
  randomRoadPoints,
  roadPick,
  straightLinePick,
  type QualityCall,
} from './recommend.quality.ts';

const NOON = new Date('2026-03-02T04:00:00Z'); // 12:00 in Asia/Shanghai
const LON0 = 113.3;
const LAT0 = 23.1;
const M_LON = 111_320 * Math.cos((LAT0 * Math.PI) / 180);
const M_LAT = 110_574;
/** Metres east / north of the origin as lon/lat. */
const at = (x: number, y: number) => ({ lon: LON0 + x / M_LON, lat: LAT0 + y / M_LAT });

/**
 * Two streets along the banks of a river, 300 m apart, joined only by a bridge 3 km east: a unit straight
 * across the water is the nearest as the crow flies but drives 5.9 km; one 1 km down the same bank drives 1 km.
 */
function riverTown() {
  const nodes = [
    { id: 1, ...at(0, 0) },
    { id: 2, ...at(3000, 0) },
    { id: 3, ...at(0, 300) },
    { id: 4, ...at(3000, 300) },
  ];
  const ways: GraphWayInput[] = [
    { nodeIds: [1, 2], roadClass: 'residential' }, // south bank
    { nodeIds: [3, 4], roadClass: 'residential' }, // north bank
    { nodeIds: [2, 4], roadClass: 'residential' }, // the bridge
  ];
  return createSnapIndex(buildGraph({ nodes, ways }));
}

const scene = at(200, 0);
const acrossTheRiver = at(200, 300);
const downTheBank = at(1200, 0);
const call = (atSec: number, serviceSec = 3600): QualityCall => ({ ...scene, atSec, serviceSec });

describe('recommendation quality against straight-line nearest', () => {
  it('picks the road-nearest unit, while straight-line nearest sends the unit across the river', () => {
    const net = riverTown();
    const units = [acrossTheRiver, downTheBank];
    expect(straightLinePick(units, scene)).toBe(0);
    const r = evaluateDispatchQuality(net, units, [call(0)], { mode: 'snapshot', dayStart: NOON });
    expect(r.road.served).toBe(1);
    expect(r.straightLine.served).toBe(1);
    // Road choice drives 1 km, straight-line choice 2.8 + 0.3 + 2.8 km on the same class of road.
    expect(r.straightLine.meanSec / r.road.meanSec).toBeCloseTo(5.9, 1);
    expect(r.differsShare).toBe(1);
    expect(r.straightLineRegretMeanSec).toBeCloseTo(r.straightLine.meanSec - r.road.meanSec, 0);
    expect(r.improvementMeanPct).toBeGreaterThan(80);
    expect(r.improvementP90Pct).toBeGreaterThan(80);
  });

  it('agrees with straight-line choice when the crow-flies nearest is also the road-nearest', () => {
    const net = riverTown();
    const r = evaluateDispatchQuality(net, [at(2500, 0), downTheBank], [call(0), call(60)], {
      mode: 'snapshot',
      dayStart: NOON,
    });
    expect(r.differsShare).toBe(0);
    expect(r.road).toEqual(r.straightLine);
    expect(r.improvementMeanPct).toBe(0);
  });

  it('in event mode a dispatched unit stays busy, so the next call gets the other unit and the third none', () => {
    const net = riverTown();
    const units = [acrossTheRiver, downTheBank];
    const calls = [call(0), call(10), call(20)];
    const event = evaluateDispatchQuality(net, units, calls, { mode: 'event', dayStart: NOON });
    // Both policies end up sending both units once (in a different order): same travel, one call unserved.
    expect(event.road.served).toBe(2);
    expect(event.road.unserved).toBe(1);
    expect(event.straightLine.unserved).toBe(1);
    expect(event.road.meanSec).toBeCloseTo(event.straightLine.meanSec, 0);
    // Only the first straight-line choice was worse than the fastest free unit.
    expect(event.differsShare).toBe(0.5);
    const snapshot = evaluateDispatchQuality(net, units, calls, { mode: 'snapshot', dayStart: NOON });
    expect(snapshot.road.served).toBe(3);
    expect(snapshot.improvementMeanPct).toBeGreaterThan(80);
  });

  it('frees a unit after travel plus service time, at the scene it served', () => {
    const net = riverTown();
    // One unit down the bank; the second call comes after it finished the first (travel ~1 min + 10 min).
    const r = evaluateDispatchQuality(net, [downTheBank], [call(0, 600), call(3600, 600)], {
      mode: 'event',
      dayStart: NOON,
    });
    expect(r.road.served).toBe(2);
    // The second trip starts at the scene itself.
    expect(r.road.p50Sec).toBeLessThan(1);
    expect(r.road.maxSec).toBeGreaterThan(30);
  });

  it('counts calls no unit can reach as unserved and rejects bad input', () => {
    const net = riverTown();
    const tight = evaluateDispatchQuality(net, [acrossTheRiver], [call(0)], {
      mode: 'snapshot',
      dayStart: NOON,
      horizonSec: 60,
    });
    expect(tight.road.unserved).toBe(1);
    expect(tight.road.served).toBe(0);
    expect(() => evaluateDispatchQuality(net, [], [call(0)], { mode: 'event', dayStart: NOON })).toThrow(RangeError);
    expect(() => evaluateDispatchQuality(net, [downTheBank], [call(-1)], { mode: 'event', dayStart: NOON })).toThrow(
      RangeError,
    );
    expect(() =>
      evaluateDispatchQuality(net, [downTheBank], [call(0)], { mode: 'event', dayStart: new Date('x') }),
    ).toThrow(RangeError);
    expect(roadPick([{ etaSec: Infinity }, { etaSec: Infinity }])).toBe(-1);
    expect(roadPick([{ etaSec: 9 }, { etaSec: 3 }, { etaSec: 3 }])).toBe(1);
    expect(straightLinePick([], scene)).toBe(-1);
  });

  it('places random points on the roads of the largest strongly connected component only', () => {
    const nodes = [
      { id: 1, ...at(0, 0) },
      { id: 2, ...at(1000, 0) },
      { id: 3, ...at(1000, 1000) },
      // A one-way dead end far away: never strongly connected to the rest.
      { id: 8, ...at(5000, 5000) },
      { id: 9, ...at(9000, 5000) },
    ];
    const ways: GraphWayInput[] = [
      { nodeIds: [1, 2, 3], roadClass: 'primary' },
      { nodeIds: [8, 9], roadClass: 'residential', oneway: true },
    ];
    const net = createSnapIndex(buildGraph({ nodes, ways }));
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const points = randomRoadPoints(net.graph, 200, random);
    expect(points).toHaveLength(200);
    for (const p of points) {
      expect(snapToRoad(net, p.lon, p.lat).distanceM).toBeLessThan(0.5);
      expect(haversineM(p.lon, p.lat, at(0, 0).lon, at(0, 0).lat)).toBeLessThan(2000);
    }
    // Both legs get points (uniform over length).
    expect(points.some((p) => p.lat > at(0, 500).lat)).toBe(true);
    expect(points.some((p) => p.lat < at(0, 1).lat)).toBe(true);
    expect(() => randomRoadPoints(buildGraph({ nodes: [], ways: [] }), 1, random)).toThrow(RangeError);
  });
});
