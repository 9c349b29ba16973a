/**
 * Simulated 110 calls drawn from the demo city's history: the sub-type mix of the current hour of day (so
 * traffic peaks at rush hour and noise at night, as the history does), the location of a past incident of
 * that sub-type moved a few tens of metres (still inside a grid), the channel of the past call, a synthetic
 * caller and a description a call-taker would type. Arrivals are Poisson at the requested rate.
 */
import type { CreateIncidentBody } from '../incidents/incident.schemas.ts';
import { SUB_TYPES, type Category } from '../incidents/incident.codes.ts';
import { metresPerDegree } from '../geo/geo.math.ts';
import type { Executor } from '../../db/client.ts';
import { historicalCalls, type HistoricalCall } from './simulator.repository.ts';
import { DESCRIPTIONS, liveSubType, syntheticCaller } from './simulator.texts.ts';

/** A small seeded stream (mulberry32): deterministic for a seed, independent of Math.random. */
export class SimRandom {
  private s: number;

  constructor(seed: number, label: string) {
    let h = (seed ^ 0x9e3779b9) >>> 0;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
    this.s = h;
  }

  /** Uniform in [0, 1). */
  float(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + this.float() * (max - min);
  }

  /** A uniformly chosen element. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }

  /** Exponentially distributed with the given mean (Poisson inter-arrival times). */
  exponential(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }
}

/** The hour of day (0-23) in China Standard Time. */
export function chinaHour(at: Date): number {
  return (at.getUTCHours() + 8) % 24;
}

/** Fewest historical calls an hour must have before neighbouring hours are pooled in. */
const MIN_BUCKET = 12;
/** Standard deviation of the location jitter, metres. */
export const JITTER_M = 40;

/** A call drawn from the profile (the body intake receives). */
export type SimulatedCall = CreateIncidentBody & { lon: number; lat: number };

/** The historical call profile of the city, and draws from it. */
export class CallProfile {
  private constructor(
    /** Historical calls whose sub-type maps to the live code list, by hour of day. */
    private readonly byHour: HistoricalCall[][],
    /** The same calls by historical sub-type (where such calls happened). */
    private readonly bySubType: Map<string, HistoricalCall[]>,
    readonly size: number,
  ) {}

  /** Loads up to `limit` recent historical incidents; throws when the city has none (not seeded). */
  static async load(db: Executor, limit = 20_000): Promise<CallProfile> {
    const rows = (await historicalCalls(db, limit)).filter((r) => liveSubType(r.subType) !== null);
    if (rows.length === 0) {
      throw new Error('No historical incidents to draw calls from; seed the demo city first ("jingwu demo seed").');
    }
    const byHour: HistoricalCall[][] = Array.from({ length: 24 }, () => []);
    const bySubType = new Map<string, HistoricalCall[]>();
    for (const r of rows) {
      byHour[r.hour]!.push(r);
      const list = bySubType.get(r.subType);
      if (list) list.push(r);
      else bySubType.set(r.subType, [r]);
    }
    return new CallProfile(byHour, bySubType, rows.length);
  }

  /** The historical calls of hour `h`, pooled with neighbouring hours until there are enough. */
  hourPool(h: number): HistoricalCall[] {
    for (let w = 0; w < 12; w++) {
      const pool: HistoricalCall[] = [];
      for (let d = -w; d <= w; d++) pool.push(...this.byHour[(((h + d) % 24) + 24) % 24]!);
      if (pool.length >= MIN_BUCKET) return pool;
    }
    return this.byHour.flat();
  }

  /**
   * One call at time `at`: sub-type and channel of a historical call of that hour, location of a historical
   * call of the same sub-type, jittered but kept where `inside(lon, lat)` holds (e.g. inside a grid).
   */
  draw(rng: SimRandom, at: Date, inside: (lon: number, lat: number) => boolean): SimulatedCall {
    const proto = rng.pick(this.hourPool(chinaHour(at)));
    const live = liveSubType(proto.subType)!;
    const where = rng.pick(this.bySubType.get(proto.subType)!);
    const m = metresPerDegree(where.lat);
    let lon = where.lon;
    let lat = where.lat;
    for (let attempt = 0; attempt < 5; attempt++) {
      const x = where.lon + (rng.normal() * JITTER_M) / m.x;
      const y = where.lat + (rng.normal() * JITTER_M) / m.y;
      if (inside(x, y)) {
        lon = x;
        lat = y;
        break;
      }
    }
    const caller = syntheticCaller(() => rng.float());
    const texts = DESCRIPTIONS[live.subType];
    const category = live.subType.split('.')[0] as Category;
    const call: SimulatedCall = {
      category,
      subType: live.subType,
      lon: Math.round(lon * 1e6) / 1e6,
      lat: Math.round(lat * 1e6) / 1e6,
      channel: proto.channel as CreateIncidentBody['channel'],
      description: texts ? rng.pick(texts) : `${SUB_TYPES[live.subType]!.label}，请派员处置`,
      receivedAt: at.toISOString(),
    };
    // An anonymous text or app report now and then; a walk-in always gives a name.
    if (call.channel === 'walk_in' || rng.float() >= 0.08) {
      call.callerName = caller.name;
      call.callerPhone = caller.phone;
    }
    if (live.injuries) call.injuries = live.injuries;
    if (live.subType === 'criminal.robbery' && rng.float() < 0.4) call.weapons = true;
    if (live.subType === 'public_order.gathering') call.crowdSize = 5 + Math.floor(rng.float() * 25);
    return call;
  }
}
