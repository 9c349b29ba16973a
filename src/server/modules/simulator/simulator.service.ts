/**
 * The demo simulator (`jingwu demo simulate`): runs inside the server process and keeps the command board
 * alive. It takes calls at their Poisson arrival times (`ratePerMin`, drawn from the city's history by
 * CallProfile) through the intake service, as the `simulator` account, and every `tickMs` of its clock it
 *   1. sends the top recommended unit to the calls it dispatches itself (a share `autoDispatch` of them);
 *   2. plays the crews: orders sent to a unit (by a dispatcher on the board, or by the simulator itself for a
 *      share `autoDispatch` of its calls, taking the top recommendation) are acknowledged after a few
 *      seconds, the unit departs, drives its road route to the scene, arrives (the AVL geofence marks it on
 *      scene; the crew reports it otherwise), handles the incident for a while, is released and drives home;
 *      the incident is then closed with a disposition and result code;
 *   3. moves every on-duty unit along the roads (available units patrol around their station) and reports all
 *      positions in one AVL batch, which is what triggers the geofence arrivals.
 * It acts only through the services the HTTP routes call, and announces every committed change on the same
 * realtime topics, so open consoles update as if people had done it. `speedup` makes simulated durations
 * (driving, crew delays, time on scene) that many times shorter; the call rate is per clock minute.
 *
 * Time comes from an injectable SimClock: the wall clock live, a ManualClock in tests (deterministic for a
 * seed, and stop() leaves no timer).
 */
import type { FastifyInstance } from 'fastify';
import { systemContext, type Actor, type RequestContext } from '../../context.ts';
import { incidentResource } from '../incidents/incident.presenter.ts';
import { AppError } from '../../errors.ts';
import { geoState, type GeoState } from '../geo/geo.state.ts';
import { haversineM } from '../geo/geo.math.ts';
import { intakeIncident, transitionIncident } from '../incidents/incident.service.ts';
import { publishIncident } from '../incidents/incident.events.ts';
import { changeUnitStatus, ingestPositionBatch } from '../dispatch/unit.service.ts';
import { acknowledgeOrder, dispatchUnits, recommendForIncident, reportOrderStage } from '../dispatch/order.service.ts';
import { publishDispatchChanges, publishUnitEvents } from '../dispatch/dispatch.events.ts';
import type { PositionItemDto } from '../dispatch/dispatch.schemas.ts';
import { ensureSimulatorActor } from './simulator.actor.ts';
import { CallProfile, SimRandom } from './simulator.calls.ts';
import { systemClock, type SimClock, type TimerHandle } from './simulator.clock.ts';
import { planDrive, positionOn, type Drive } from './simulator.movement.ts';
import { activeCrewOrders, incidentProgress, simUnits, type CrewOrder } from './simulator.repository.ts';
import { CLOSING_NOTES, SERVICE_SEC, closingCodes } from './simulator.texts.ts';

/** How the simulator runs. */
export interface SimulatorOptions {
  /** New calls per clock minute (Poisson). Default 6. */
  ratePerMin?: number;
  /** Simulated durations (driving, crew delays, time on scene) run this many times faster. Default 1. */
  speedup?: number;
  /** Share (0-1) of its calls the simulator dispatches itself with the top recommendation. Default 0. */
  autoDispatch?: number;
  /** Random seed: the same seed and city give the same calls. Default 1. */
  seed?: number;
  /** Clock milliseconds between ticks (and between AVL reports). Default 5000. */
  tickMs?: number;
  /** Share (0-1) of off-duty units put on duty at start, so there is someone to send. Default 0.8. */
  onDutyShare?: number;
  /** Patrols drive to road junctions within this distance of their home station, metres. Default 2500. */
  patrolRadiusM?: number;
}

/** What the simulator has done so far. */
export interface SimulatorStats {
  ticks: number;
  calls: number;
  callErrors: number;
  unitsOnDuty: number;
  positions: number;
  dispatches: number;
  acknowledged: number;
  departed: number;
  arrived: number;
  released: number;
  closed: number;
  errors: number;
  /** Duration of the last tick and of the slowest, wall-clock ms. */
  lastTickMs: number;
  maxTickMs: number;
  /** Wall-clock ms spent in each step of the ticks so far. */
  stepMs: Record<'calls' | 'dispatch' | 'units' | 'crews' | 'move' | 'close', number>;
}

type Purpose = 'patrol' | 'respond' | 'return';

interface SimUnit {
  id: string;
  callSign: string;
  status: string;
  home: { lon: number; lat: number };
  pos: { lon: number; lat: number };
  drive: Drive | null;
  purpose: Purpose | null;
  /** Clock time (ms) the current drive started. */
  driveStart: number;
  /** Road junctions a patrol may head for (indices into the graph's vertices), computed on first patrol. */
  patrolTargets?: number[];
  /** A crew member has a login: a person may acknowledge and depart in the field app first. */
  humanCrew: boolean;
}

/** What the crew on an order is waiting for (clock ms), kept between ticks. */
interface CrewTask {
  ackAt?: number;
  departAt?: number;
  releaseAt?: number;
  arrivedCounted?: boolean;
}

/** Simulated seconds, [min, max), for the crew's reactions and the paperwork before closing. */
const ACK_SEC: readonly [number, number] = [5, 20];
const DEPART_SEC: readonly [number, number] = [10, 40];
const CLOSE_SEC: readonly [number, number] = [60, 180];
/** Simulated seconds a dispatcher (the simulator) looks at a new call before sending the top unit. */
const DISPATCH_SEC: readonly [number, number] = [15, 45];
/**
 * Clock ms the simulated crew leaves a crew with a login (the demo `patrol` account) to acknowledge and depart
 * in the field app itself before stepping in; nobody may be logged in, so it does step in.
 */
export const HUMAN_GRACE_MS = 90_000;
/** An auto-dispatch that finds no unit tries again this often (simulated seconds), this many times. */
const DISPATCH_RETRY_SEC = 60;
const DISPATCH_TRIES = 5;

/** Cruising on patrol takes this many times longer than driving to a call. */
const PATROL_SLOWDOWN = 1.8;
/** AVL batches stay well under the route's limit of 5,000 fixes. */
const BATCH = 1000;

const defaults = (o: SimulatorOptions): Required<SimulatorOptions> => ({
  ratePerMin: o.ratePerMin ?? 6,
  speedup: o.speedup ?? 1,
  autoDispatch: o.autoDispatch ?? 0,
  seed: o.seed ?? 1,
  tickMs: o.tickMs ?? 5000,
  onDutyShare: o.onDutyShare ?? 0.8,
  patrolRadiusM: o.patrolRadiusM ?? 2500,
});

/** Checks the options, with messages that say how to fix them. */
export function validateSimulatorOptions(o: SimulatorOptions): Required<SimulatorOptions> {
  const v = defaults(o);
  const bad = (field: string, rule: string) =>
    new AppError('VALIDATION_FAILED', `Simulator option ${field} ${rule}.`, { in: 'options', field });
  if (!(v.ratePerMin > 0 && v.ratePerMin <= 600))
    throw bad('ratePerMin', 'must be above 0 and at most 600 calls a minute');
  if (!(v.speedup >= 1 && v.speedup <= 100)) throw bad('speedup', 'must be between 1 and 100');
  if (!(v.autoDispatch >= 0 && v.autoDispatch <= 1)) throw bad('autoDispatch', 'must be a share between 0 and 1');
  if (!(Number.isInteger(v.seed) && v.seed >= 0)) throw bad('seed', 'must be a whole number of 0 or more');
  if (!(v.tickMs >= 100 && v.tickMs <= 60_000)) throw bad('tickMs', 'must be between 100 and 60000');
  if (!(v.onDutyShare >= 0 && v.onDutyShare <= 1)) throw bad('onDutyShare', 'must be a share between 0 and 1');
  if (!(v.patrolRadiusM >= 200 && v.patrolRadiusM <= 50_000)) throw bad('patrolRadiusM', 'must be 200-50000 m');
  return v;
}

/** The simulator of one running app. */
export class Simulator {
  readonly options: Required<SimulatorOptions>;
  readonly stats: SimulatorStats = {
    ticks: 0,
    calls: 0,
    callErrors: 0,
    unitsOnDuty: 0,
    positions: 0,
    dispatches: 0,
    acknowledged: 0,
    departed: 0,
    arrived: 0,
    released: 0,
    closed: 0,
    errors: 0,
    lastTickMs: 0,
    maxTickMs: 0,
    stepMs: { calls: 0, dispatch: 0, units: 0, crews: 0, move: 0, close: 0 },
  };
  /** Ids of the incidents the simulator created, oldest first. */
  readonly createdIncidents: string[] = [];
  /** The last few failed steps ("what: message"), newest last, for diagnostics. */
  readonly recentErrors: string[] = [];

  private readonly clock: SimClock;
  private readonly rng: Record<'arrivals' | 'calls' | 'duty' | 'patrol' | 'crew' | 'dispatch', SimRandom>;
  private actor: Actor | null = null;
  private profile: CallProfile | null = null;
  private geo: GeoState | null = null;
  private readonly units = new Map<string, SimUnit>();
  private readonly tasks = new Map<string, CrewTask>();
  /** Calls the simulator will dispatch itself: when, and how many tries are left. */
  private readonly autoQueue: { incidentId: string; at: number; tries: number }[] = [];
  /** Incidents whose last crew was released: when they get closed. */
  private readonly closeQueue = new Map<string, number>();
  private nextArrivalAt = 0;
  private timer: TimerHandle | null = null;
  private inFlight: Promise<void> | null = null;
  /** The next call's timer, and the call being taken. */
  private arrivalTimer: TimerHandle | null = null;
  private arrivalInFlight: Promise<void> | null = null;
  private running = false;
  private seq = 0;

  constructor(
    private readonly app: FastifyInstance,
    options: SimulatorOptions = {},
    clock?: SimClock,
  ) {
    this.options = validateSimulatorOptions(options);
    this.clock = clock ?? systemClock();
    const s = this.options.seed;
    this.rng = {
      arrivals: new SimRandom(s, 'arrivals'),
      calls: new SimRandom(s, 'calls'),
      duty: new SimRandom(s, 'duty'),
      patrol: new SimRandom(s, 'patrol'),
      crew: new SimRandom(s, 'crew'),
      dispatch: new SimRandom(s, 'dispatch'),
    };
  }

  /** True between start() and stop(). */
  get isRunning(): boolean {
    return this.running;
  }

  /** Prepares (account, call profile, road graph, crews on duty), schedules the first tick at once and the first call. */
  async start(): Promise<void> {
    if (this.running) return;
    this.actor = await ensureSimulatorActor(this.ctx());
    this.profile = await CallProfile.load(this.app.database.db);
    this.geo = await geoState(this.app.database.db);
    this.running = true;
    await this.bringOnDuty();
    this.nextArrivalAt = this.clock.now().getTime() + this.interArrivalMs();
    this.schedule(0);
    this.scheduleArrival();
  }

  /** Stops: clears both timers and waits for a tick or a call under way to finish. */
  async stop(): Promise<void> {
    this.running = false;
    for (const t of [this.timer, this.arrivalTimer]) if (t) this.clock.clearTimeout(t);
    this.timer = null;
    this.arrivalTimer = null;
    await Promise.all([this.inFlight, this.arrivalInFlight]);
  }

  /**
   * Each call is taken at its own Poisson arrival time (not batched into ticks), so the board sees calls come
   * in one by one. A call that takes longer than the gap to the next only delays that one.
   */
  private scheduleArrival(): void {
    const wait = Math.max(0, this.nextArrivalAt - this.clock.now().getTime());
    this.arrivalTimer = this.clock.setTimeout(() => {
      this.arrivalTimer = null;
      if (!this.running) return;
      const at = new Date(this.nextArrivalAt);
      this.nextArrivalAt += this.interArrivalMs();
      const t0 = performance.now();
      this.arrivalInFlight = this.takeCall(at).finally(() => {
        this.stats.stepMs.calls += Math.round(performance.now() - t0);
        this.arrivalInFlight = null;
        if (this.running) this.scheduleArrival();
      });
      return this.arrivalInFlight;
    }, wait);
  }

  private schedule(ms: number): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      if (!this.running) return;
      this.inFlight = this.tick().finally(() => {
        this.inFlight = null;
        if (this.running) this.schedule(this.options.tickMs);
      });
      return this.inFlight;
    }, ms);
  }

  /** A request context acting as the simulator, on the simulator's clock. */
  private ctx(): RequestContext {
    return systemContext(this.app.database.db, this.app.auditSink, {
      actor: this.actor,
      now: () => this.clock.now(),
      requestId: `sim-${(++this.seq).toString(36)}`,
      userAgent: 'jingwu-simulator',
    });
  }

  private interArrivalMs(): number {
    return this.rng.arrivals.exponential(60_000 / this.options.ratePerMin);
  }

  /** Clock ms from now after a simulated duration drawn from [min, max) seconds. */
  private after(range: readonly [number, number], rng: SimRandom): number {
    return this.clock.now().getTime() + (rng.between(range[0], range[1]) * 1000) / this.options.speedup;
  }

  /** Simulated seconds driven since clock time `sinceMs`. */
  private simSecondsSince(sinceMs: number): number {
    return ((this.clock.now().getTime() - sinceMs) / 1000) * this.options.speedup;
  }

  private warn(err: unknown, what: string): void {
    this.stats.errors++;
    const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
    this.recentErrors.push(`${what}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}${cause}`);
    if (this.recentErrors.length > 20) this.recentErrors.shift();
    this.app.log.warn({ err, what }, 'simulator step failed');
  }

  /** One tick: arrivals, crews, movement. A failing step is logged and the tick goes on. */
  async tick(): Promise<void> {
    const started = performance.now();
    try {
      await this.tickSteps();
    } finally {
      this.stats.ticks++;
      this.stats.lastTickMs = Math.round(performance.now() - started);
      this.stats.maxTickMs = Math.max(this.stats.maxTickMs, this.stats.lastTickMs);
    }
  }

  private async tickSteps(): Promise<void> {
    const now = this.clock.now();
    const step = async (name: keyof SimulatorStats['stepMs'], fn: () => Promise<void>) => {
      const t0 = performance.now();
      await fn();
      this.stats.stepMs[name] += Math.round(performance.now() - t0);
    };
    await step('dispatch', () => this.autoDispatch(now));
    try {
      await step('units', () => this.syncUnits());
    } catch (err) {
      this.warn(err, 'read units');
      return;
    }
    await step('crews', () => this.playCrews(now));
    await step('move', () => this.move(now));
    await step('close', () => this.closeHandled(now));
  }

  // ------------------------------------------------------------------------------------------------ calls

  /** Draws one call and takes it through intake, announcing it like the route does. */
  private async takeCall(at: Date): Promise<void> {
    const geo = this.geo!;
    const call = this.profile!.draw(this.rng.calls, at, (lon, lat) => geo.grids.resolve(lon, lat) !== null);
    const address = this.nearestAddressText(call.lon, call.lat);
    if (address) call.address = address;
    try {
      const r = await intakeIncident(this.ctx(), call);
      this.stats.calls++;
      this.createdIncidents.push(r.incident.id);
      publishIncident(this.app, 'incident.created', r.incident);
      if (r.alertId) {
        // The in-app alert for a threat to life, as the intake route sends it.
        this.app.realtime.publish('incidents', {
          type: 'incident.alert',
          data: { id: r.incident.id, alertId: r.alertId, severity: r.incident.severity },
          audience: { action: 'incident.dispatch', resource: incidentResource(r.incident) },
        });
      }
      if (this.options.autoDispatch > 0 && this.rng.dispatch.float() < this.options.autoDispatch) {
        this.autoQueue.push({ incidentId: r.incident.id, at: this.after(DISPATCH_SEC, this.rng.dispatch), tries: 0 });
      }
    } catch (err) {
      this.stats.callErrors++;
      this.warn(err, 'take call');
    }
  }

  /** The standard address text of the nearest address within 100 m (how a caller would name the place). */
  private nearestAddressText(lon: number, lat: number): string | undefined {
    const geo = this.geo!;
    const [k] = geo.addressTree ? geo.addressTree.neighbors(lon, lat, 1, 0.002) : [];
    if (k === undefined) return undefined;
    const a = geo.addresses[k]!;
    return haversineM(lon, lat, a.lon, a.lat) <= 100 ? `${a.district}${a.street}` : undefined;
  }

  // ------------------------------------------------------------------------------------------------ units

  /** Puts a seeded share of the off-duty units on duty (the demo city starts with every crew off duty). */
  private async bringOnDuty(): Promise<void> {
    const rows = await simUnits(this.app.database.db);
    const off = rows.filter((r) => r.status === 'off_duty');
    const want = Math.round(off.length * this.options.onDutyShare);
    // A seeded shuffle (Fisher-Yates) of the call-sign order picks which crews start their shift.
    const order = [...off];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng.duty.float() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const r of order.slice(0, want)) {
      try {
        const { event } = await changeUnitStatus(this.ctx(), r.id, { status: 'available', reason: '模拟器：上岗' });
        publishUnitEvents(this.app, [event]);
      } catch (err) {
        this.warn(err, `put ${r.callSign} on duty`);
      }
    }
  }

  /** Refreshes statuses (a dispatcher may have changed them) and adds units not seen before. */
  private async syncUnits(): Promise<void> {
    const rows = await simUnits(this.app.database.db);
    for (const r of rows) {
      let u = this.units.get(r.id);
      if (!u) {
        const home = { lon: r.homeLon, lat: r.homeLat };
        u = {
          id: r.id,
          callSign: r.callSign,
          status: r.status,
          home,
          pos: r.lon !== null && r.lat !== null ? { lon: r.lon, lat: r.lat } : home,
          drive: null,
          purpose: null,
          driveStart: 0,
          humanCrew: r.humanCrew,
        };
        this.units.set(r.id, u);
      }
      u.humanCrew = r.humanCrew;
      if (u.status !== r.status) {
        u.status = r.status;
        // A patrol (or the way home) interrupted by a dispatch stops where it is; the crew decides what is next.
        if (u.purpose !== 'respond' && r.status !== 'available') this.setDrive(u, null, null);
      }
    }
    this.stats.unitsOnDuty = [...this.units.values()].filter((u) => u.status !== 'off_duty').length;
  }

  private setDrive(u: SimUnit, drive: Drive | null, purpose: Purpose | null): void {
    u.drive = drive;
    u.purpose = drive ? purpose : null;
    u.driveStart = this.clock.now().getTime();
  }

  /** Road junctions within the patrol radius of the unit's home (the nearest few when none is that close). */
  private patrolTargets(u: SimUnit): number[] {
    if (u.patrolTargets) return u.patrolTargets;
    const g = this.geo!.graph;
    const near: { v: number; d: number }[] = [];
    for (let v = 0; v < g.vertexCount; v++)
      near.push({ v, d: haversineM(u.home.lon, u.home.lat, g.lon[v]!, g.lat[v]!) });
    const inside = near.filter((x) => x.d <= this.options.patrolRadiusM).map((x) => x.v);
    u.patrolTargets =
      inside.length >= 3
        ? inside
        : near
            .sort((a, b) => a.d - b.d)
            .slice(0, 10)
            .map((x) => x.v);
    return u.patrolTargets;
  }

  /** A new patrol leg to a random junction near home (null when no road route was found). */
  private planPatrol(u: SimUnit, now: Date): Drive | null {
    const g = this.geo!.graph;
    const targets = this.patrolTargets(u);
    for (let attempt = 0; attempt < 3 && targets.length > 0; attempt++) {
      const v = this.rng.patrol.pick(targets);
      try {
        const d = planDrive(
          this.geo!.network,
          u.pos,
          { lon: g.lon[v]!, lat: g.lat[v]! },
          {
            departAt: now,
            slowdown: PATROL_SLOWDOWN,
          },
        );
        if (d && d.lengthM > 50) return d;
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
      }
    }
    return null;
  }

  /** Advances every on-duty unit and reports all positions in AVL batches. */
  private async move(now: Date): Promise<void> {
    const fixes: PositionItemDto[] = [];
    const recordedAt = now.toISOString();
    for (const u of this.units.values()) {
      if (u.status === 'off_duty') continue;
      // Available: back home first after a job, then patrol leg after patrol leg.
      if (u.status === 'available' && (u.purpose === 'respond' || !u.drive || this.driveDone(u))) {
        this.setDrive(u, this.planPatrol(u, now), 'patrol');
      }
      const before = u.pos;
      if (u.drive) {
        const p = positionOn(u.drive, this.simSecondsSince(u.driveStart));
        u.pos = { lon: p.lon, lat: p.lat };
      }
      const movedM = haversineM(before.lon, before.lat, u.pos.lon, u.pos.lat);
      const fix: PositionItemDto = { unitId: u.id, lon: u.pos.lon, lat: u.pos.lat, recordedAt };
      const speed = (movedM / (this.options.tickMs / 1000)) * 3.6;
      if (speed > 0 && speed <= 400) fix.speedKmh = Math.round(speed * 10) / 10;
      if (movedM > 1) fix.heading = bearing(before, u.pos);
      fixes.push(fix);
    }
    for (let i = 0; i < fixes.length; i += BATCH) {
      try {
        const r = await ingestPositionBatch(this.ctx(), fixes.slice(i, i + BATCH));
        this.stats.positions += r.accepted;
        publishUnitEvents(this.app, r.events);
        // Units inside their scene's geofence were marked on scene by the ingest itself.
        publishDispatchChanges(this.app, r.arrivals);
      } catch (err) {
        this.warn(err, 'report positions');
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ dispatch

  /** The simulator as dispatcher: for its queued calls, asks for the recommendation and sends the top unit. */
  private async autoDispatch(now: Date): Promise<void> {
    const due = this.autoQueue.filter((q) => q.at <= now.getTime());
    for (const q of due) {
      this.autoQueue.splice(this.autoQueue.indexOf(q), 1);
      try {
        const progress = await incidentProgress(this.app.database.db, q.incidentId);
        // Someone on the board was quicker (or the call was merged or cancelled): nothing to do.
        if (!progress || !['received', 'graded'].includes(progress.status)) continue;
        const rec = await recommendForIncident(this.ctx(), q.incidentId, { count: 1 });
        const top = rec.recommended[0];
        if (!top) {
          if (++q.tries < DISPATCH_TRIES) {
            this.autoQueue.push({ ...q, at: now.getTime() + (DISPATCH_RETRY_SEC * 1000) / this.options.speedup });
          }
          continue;
        }
        const r = await dispatchUnits(this.ctx(), q.incidentId, {
          unitIds: [top.unitId],
          recommendationId: rec.recommendationId,
        });
        this.stats.dispatches++;
        publishDispatchChanges(this.app, r.changes);
      } catch (err) {
        this.warn(err, 'auto-dispatch');
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ crews

  /**
   * Plays the crew of every active order, whoever sent it: acknowledge, depart (drive the road route), report
   * arrival when the geofence did not, stay the service time, be released and head home.
   */
  private async playCrews(now: Date): Promise<void> {
    let orders: CrewOrder[];
    try {
      orders = await activeCrewOrders(this.app.database.db);
    } catch (err) {
      return this.warn(err, 'read orders');
    }
    const active = new Set(orders.map((o) => o.id));
    for (const id of this.tasks.keys()) if (!active.has(id)) this.tasks.delete(id);
    const t = now.getTime();
    for (const o of orders) {
      const u = this.units.get(o.unitId);
      if (!u) continue;
      let task = this.tasks.get(o.id);
      if (!task) this.tasks.set(o.id, (task = {}));
      try {
        await this.playOrder(o, u, task, t);
      } catch (err) {
        this.warn(err, `crew of ${u.callSign}`);
      }
    }
  }

  private async playOrder(o: CrewOrder, u: SimUnit, task: CrewTask, t: number): Promise<void> {
    const scene = o.lon !== null && o.lat !== null ? { lon: o.lon, lat: o.lat } : null;
    switch (o.status) {
      case 'sent': {
        task.ackAt ??= this.crewDelay(u, ACK_SEC);
        if (t < task.ackAt) return;
        const r = await acknowledgeOrder(this.ctx(), o.id);
        this.stats.acknowledged++;
        publishDispatchChanges(this.app, r.changes);
        return;
      }
      case 'acknowledged': {
        task.departAt ??= this.crewDelay(u, DEPART_SEC);
        if (t < task.departAt) return;
        const r = await reportOrderStage(this.ctx(), o.id, { status: 'en_route' });
        this.stats.departed++;
        publishDispatchChanges(this.app, r.changes);
        u.status = 'en_route';
        this.driveTo(u, scene);
        return;
      }
      case 'en_route': {
        // Sent on its way by someone else (the officer app, the board): drive there now.
        if (u.purpose !== 'respond') this.driveTo(u, scene);
        if (u.drive && !this.driveDone(u)) return;
        // At the end of the road route; the geofence did not fire (the scene lies off the road): report it.
        const r = await reportOrderStage(this.ctx(), o.id, { status: 'on_scene', note: '已到达现场' });
        this.countArrival(task);
        publishDispatchChanges(this.app, r.changes);
        return;
      }
      case 'on_scene': {
        this.countArrival(task);
        if (u.purpose === 'respond') this.setDrive(u, null, null);
        const range = SERVICE_SEC[o.category] ?? [10 * 60, 20 * 60];
        task.releaseAt ??= this.after(range, this.rng.crew);
        if (t < task.releaseAt) return;
        const note = this.rng.crew.pick(CLOSING_NOTES);
        const r = await reportOrderStage(this.ctx(), o.id, { status: 'released', note });
        this.stats.released++;
        publishDispatchChanges(this.app, r.changes);
        u.status = 'available';
        this.driveHome(u);
        const left = await incidentProgress(this.app.database.db, o.incidentId);
        if (left && left.activeOrders === 0 && !this.closeQueue.has(o.incidentId)) {
          this.closeQueue.set(o.incidentId, this.after(CLOSE_SEC, this.rng.crew));
        }
        return;
      }
    }
  }

  /** When the crew reacts: a simulated delay, or after the grace left to a person on the crew. */
  private crewDelay(u: SimUnit, range: readonly [number, number]): number {
    const at = this.after(range, this.rng.crew);
    return u.humanCrew ? Math.max(at, this.clock.now().getTime() + HUMAN_GRACE_MS) : at;
  }

  private countArrival(task: CrewTask): void {
    if (task.arrivedCounted) return;
    task.arrivedCounted = true;
    this.stats.arrived++;
  }

  /** Starts the drive to the scene (stays put when there is no road route). */
  private driveTo(u: SimUnit, scene: { lon: number; lat: number } | null): void {
    let d: Drive | null = null;
    if (scene) {
      try {
        d = planDrive(this.geo!.network, u.pos, scene, { departAt: this.clock.now() });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
      }
    }
    this.setDrive(u, d, 'respond');
    // No route: the unit is where it can get to; arrival is reported on the next tick.
    if (!d) u.purpose = 'respond';
  }

  /** After a job, the unit drives back towards its station (then patrols again). */
  private driveHome(u: SimUnit): void {
    let d: Drive | null = null;
    try {
      d = planDrive(this.geo!.network, u.pos, u.home, { departAt: this.clock.now() });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
    }
    this.setDrive(u, d, 'return');
  }

  /** Handles and closes incidents whose crews are all released, after the paperwork delay. */
  private async closeHandled(now: Date): Promise<void> {
    for (const [incidentId, at] of [...this.closeQueue]) {
      if (at > now.getTime()) continue;
      this.closeQueue.delete(incidentId);
      try {
        const p = await incidentProgress(this.app.database.db, incidentId);
        // Closed by someone else, or sent a new unit meanwhile: not ours to close now.
        if (!p || p.activeOrders > 0 || !['on_scene', 'handled'].includes(p.status)) continue;
        if (p.status === 'on_scene') {
          const h = await transitionIncident(this.ctx(), incidentId, 'handle', '现场处置完毕');
          publishDispatchChanges(this.app, h.changes);
          publishIncident(this.app, 'incident.updated', h.incident);
        }
        const codes = closingCodes(p.subType, () => this.rng.crew.float());
        const c = await transitionIncident(this.ctx(), incidentId, 'close', '处置完毕，结案', codes);
        this.stats.closed++;
        publishDispatchChanges(this.app, c.changes);
        publishIncident(this.app, 'incident.updated', c.incident);
      } catch (err) {
        this.warn(err, 'close incident');
      }
    }
  }

  private driveDone(u: SimUnit): boolean {
    return !u.drive || this.simSecondsSince(u.driveStart) >= u.drive.durationSec;
  }

  /** A unit's simulated state, for tests and diagnostics. */
  unitState(id: string): { status: string; pos: { lon: number; lat: number }; purpose: Purpose | null } | undefined {
    const u = this.units.get(id);
    return u && { status: u.status, pos: { ...u.pos }, purpose: u.purpose };
  }
}

/** Compass bearing from a to b, degrees in [0, 360). */
function bearing(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const rad = Math.PI / 180;
  const y = Math.sin((b.lon - a.lon) * rad) * Math.cos(b.lat * rad);
  const x =
    Math.cos(a.lat * rad) * Math.sin(b.lat * rad) -
    Math.sin(a.lat * rad) * Math.cos(b.lat * rad) * Math.cos((b.lon - a.lon) * rad);
  // Rounded first: 359.96 must become 0, not 360 (headings lie in [0, 360)).
  return (Math.round(((Math.atan2(y, x) / rad + 360) % 360) * 10) / 10) % 360;
}
