/**
 * The simulator's notion of time: what time it is and how to wait. The live simulator uses the wall clock and
 * real timers; tests use a ManualClock and step it, so a run is deterministic and leaves no timer behind.
 */

/** A timer handle (opaque). */
export type TimerHandle = { readonly id: number };

/** Time and timers, injectable. A timer callback may return a promise: a ManualClock awaits it. */
export interface SimClock {
  now(): Date;
  setTimeout(fn: () => void | Promise<void>, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The wall clock with Node timers. */
export function systemClock(): SimClock {
  const live = new Map<number, NodeJS.Timeout>();
  let seq = 0;
  return {
    now: () => new Date(),
    setTimeout(fn, ms) {
      const id = ++seq;
      live.set(
        id,
        setTimeout(() => {
          live.delete(id);
          void fn();
        }, ms),
      );
      return { id };
    },
    clearTimeout(handle) {
      const t = live.get(handle.id);
      if (t) clearTimeout(t);
      live.delete(handle.id);
    },
  };
}

interface ManualTimer {
  id: number;
  at: number;
  fn: () => void | Promise<void>;
}

/**
 * A clock that only moves when told: `advance(ms)` runs every timer that falls due, in time order, each at its
 * own due time, awaiting a callback's promise before the next (so a tick finishes before the clock moves on).
 */
export class ManualClock implements SimClock {
  private t: number;
  private seq = 0;
  private timers: ManualTimer[] = [];

  constructor(start: Date) {
    this.t = start.getTime();
  }

  now(): Date {
    return new Date(this.t);
  }

  setTimeout(fn: () => void | Promise<void>, ms: number): TimerHandle {
    const timer = { id: ++this.seq, at: this.t + Math.max(0, ms), fn };
    this.timers.push(timer);
    return { id: timer.id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((x) => x.id !== handle.id);
  }

  /** Timers still waiting. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves the clock forward by `ms`, running due timers on the way. */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`advance by a non-negative number of ms, not ${ms}`);
    const end = this.t + ms;
    for (;;) {
      let next: ManualTimer | undefined;
      for (const x of this.timers)
        if (x.at <= end && (!next || x.at < next.at || (x.at === next.at && x.id < next.id))) next = x;
      if (!next) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = Math.max(this.t, next.at);
      await next.fn();
    }
    this.t = end;
  }
}
