/**
 * One device connection, whatever carries it (TCP or WebSocket): authentication state, the reply order, POS
 * batching and the limits. Commands run through the same services as the HTTP routes (`ingestPositionBatch`,
 * `changeUnitStatus`), with a request context whose actor comes from the device's access token, and their
 * realtime events are published after the commit exactly as the routes do.
 *
 * - **Authentication.** `AUTH <token>` takes an ordinary session access token. As over HTTP, the token is checked
 *   again before every command (one indexed lookup), so a revoked session, a disabled account or an expired
 *   token stops the device at its next line (`ERR SESSION_EXPIRED …`; it must `AUTH` again with a fresh token).
 *   A connection that has not authenticated within `authTimeoutMs` is closed, and so is one after three failed
 *   `AUTH`s.
 * - **Order.** Replies come in the order of the lines: every command is a job on one promise chain.
 * - **Batching.** Consecutive `POS` lines are collected for up to `batchMs` or `batchMax` lines and ingested as
 *   one batch (one transaction, one audit entry); any other line closes the batch first.
 * - **Back-pressure.** Above `maxQueued` lines waiting for their reply the transport stops reading until the
 *   queue drains, so a flooding device slows down instead of growing memory.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Actor, RequestContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { authenticate } from '../auth/auth.service.ts';
import type { AuthSettings } from '../auth/auth.settings.ts';
import type { PositionItemDto } from '../dispatch/dispatch.schemas.ts';
import { publishDispatchChanges, publishUnitEvents } from '../dispatch/dispatch.events.ts';
import { changeUnitStatus, ingestPositionBatch } from '../dispatch/unit.service.ts';
import { errLine, parseLine, type DeviceCommand } from './devices.protocol.ts';

/** What a session needs from its connection. */
export interface DeviceTransport {
  kind: 'tcp' | 'ws';
  remoteAddress: string;
  /** Sends one reply line (the transport adds the line break or frame). */
  send(line: string): void;
  /** Closes the connection (after the lines already sent). */
  close(): void;
  pause(): void;
  resume(): void;
}

export interface DeviceSessionOptions {
  authTimeoutMs: number;
  batchMs: number;
  batchMax: number;
  maxQueued: number;
}

export const DEFAULT_SESSION_OPTIONS: DeviceSessionOptions = {
  authTimeoutMs: 5_000,
  batchMs: 50,
  batchMax: 500,
  maxQueued: 5_000,
};

const MAX_AUTH_FAILURES = 3;

const REJECTION: Record<string, { code: string; message: (unitId: string) => string }> = {
  unit_not_found: { code: 'UNIT_NOT_FOUND', message: (u) => `No unit ${u} in your scope.` },
  forbidden: { code: 'FORBIDDEN', message: (u) => `You may not report positions for unit ${u}.` },
  coordinates_invalid: {
    code: 'COORDINATES_INVALID',
    message: () => 'The point is not a plausible position inside China (swapped lon/lat?).',
  },
  future_timestamp: {
    code: 'VALIDATION_FAILED',
    message: () => 'The device time is more than 60 s ahead of the server clock; check the terminal clock.',
  },
};

/** Runs the protocol for one connection; create with `new`, feed lines with `receive`, call `end` on close. */
export class DeviceSession {
  readonly id = randomBytes(6).toString('hex');
  private token: string | null = null;
  private actor: Actor | null = null;
  private authFailures = 0;
  private authTimer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private pending: PositionItemDto[] = [];
  private batchTimer: NodeJS.Timeout | undefined;
  private queued = 0;
  private paused = false;
  private closed = false;
  private jobs = 0;

  constructor(
    private readonly app: FastifyInstance,
    private readonly settings: AuthSettings,
    private readonly transport: DeviceTransport,
    private readonly opts: DeviceSessionOptions = DEFAULT_SESSION_OPTIONS,
  ) {
    this.armAuthTimer();
  }

  /** The user the device acts as, once authenticated. */
  get username(): string | null {
    return this.actor?.username ?? null;
  }

  /** Handles one received line (without its line break). Never throws. */
  receive(line: string): void {
    if (this.closed || line.trim() === '') return;
    this.queued++;
    if (!this.paused && this.queued > this.opts.maxQueued) {
      this.paused = true;
      this.transport.pause();
    }
    const cmd = parseLine(line);
    if (cmd.kind === 'pos') {
      this.pending.push(cmd.position);
      if (this.pending.length >= this.opts.batchMax) this.cutBatch();
      else this.batchTimer ??= setTimeout(() => this.cutBatch(), this.opts.batchMs);
      return;
    }
    this.cutBatch();
    if (cmd.kind === 'invalid') this.enqueue(async () => this.reply(errLine(cmd.code, cmd.message)));
    else this.enqueue(() => this.run(cmd));
  }

  /** Reports a line the transport refused before parsing (too long, not text), in order with the others. */
  refuse(code: string, message: string): void {
    if (this.closed) return;
    this.queued++;
    this.cutBatch();
    this.enqueue(async () => this.reply(errLine(code, message)));
  }

  /** The connection closed: positions already received are still stored; timers stop. */
  end(): Promise<void> {
    this.cutBatch();
    this.closed = true;
    clearTimeout(this.authTimer);
    return this.chain;
  }

  private armAuthTimer(): void {
    clearTimeout(this.authTimer);
    this.authTimer = setTimeout(() => {
      if (this.token || this.closed) return;
      this.transport.send(errLine('UNAUTHENTICATED', `No AUTH within ${this.opts.authTimeoutMs / 1000} s; closing.`));
      this.closed = true;
      this.transport.close();
    }, this.opts.authTimeoutMs);
    this.authTimer.unref();
  }

  private reply(line: string): void {
    this.queued--;
    if (this.paused && this.queued <= this.opts.maxQueued / 2) {
      this.paused = false;
      this.transport.resume();
    }
    this.transport.send(line);
  }

  private enqueue(job: () => Promise<void>): void {
    this.chain = this.chain.then(job).catch((err: unknown) => {
      // Jobs answer their own errors; this is a bug, reported and survived.
      this.app.log.error({ err, device: this.id }, 'device command failed unexpectedly');
    });
  }

  private cutBatch(): void {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.enqueue(() => this.ingest(batch));
  }

  private context(): RequestContext {
    return {
      requestId: `dev-${this.id}-${++this.jobs}`,
      ip: this.transport.remoteAddress,
      userAgent: `device/${this.transport.kind}`,
      actor: this.actor,
      db: this.app.database.db,
      inTransaction: false,
      now: () => new Date(),
      auditSink: this.app.auditSink,
    };
  }

  /** Re-checks the token as every HTTP request does; on failure forgets it and says why. */
  private async reauthenticate(ctx: RequestContext): Promise<AppError | null> {
    if (!this.token) {
      return new AppError('UNAUTHENTICATED', 'Send AUTH <access token> first.');
    }
    try {
      const result = await authenticate(ctx, this.settings, this.token);
      if (result.passwordChangeRequired) throw this.passwordExpired();
      this.actor = result.actor;
      ctx.actor = result.actor;
      return null;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      this.token = null;
      this.actor = null;
      this.armAuthTimer();
      return err;
    }
  }

  private passwordExpired(): AppError {
    return new AppError('PASSWORD_EXPIRED', 'The account must change its password before the device can report.');
  }

  private fail(err: unknown, ctx: RequestContext): string {
    if (err instanceof AppError) {
      const reason = err.code === 'SESSION_EXPIRED' && err.details.reason ? ` (${String(err.details.reason)})` : '';
      return errLine(err.code, `${err.message}${reason}`);
    }
    this.app.log.error({ err, requestId: ctx.requestId, device: this.id }, 'device command failed');
    return errLine('INTERNAL', `Something went wrong; quote ${ctx.requestId} to support.`);
  }

  private async run(cmd: Exclude<DeviceCommand, { kind: 'pos' }>): Promise<void> {
    const ctx = this.context();
    if (cmd.kind === 'ping') return this.reply('OK PONG');
    if (cmd.kind === 'auth') return this.auth(ctx, cmd.token);
    try {
      const denied = await this.reauthenticate(ctx);
      if (denied) return this.reply(this.fail(denied, ctx));
      const { unit, event } = await changeUnitStatus(ctx, cmd.unitId, {
        status: cmd.status,
        ...(cmd.reason ? { reason: cmd.reason } : {}),
      });
      publishUnitEvents(this.app, [event]);
      this.reply(`OK STATUS ${unit.id} ${unit.status}`);
    } catch (err) {
      this.reply(this.fail(err, ctx));
    }
  }

  private async auth(ctx: RequestContext, token: string): Promise<void> {
    try {
      const result = await authenticate(ctx, this.settings, token);
      if (result.passwordChangeRequired) throw this.passwordExpired();
      this.token = token;
      this.actor = result.actor;
      this.authFailures = 0;
      clearTimeout(this.authTimer);
      this.reply(`OK AUTH ${result.actor.username}`);
    } catch (err) {
      this.reply(this.fail(err, ctx));
      if (++this.authFailures >= MAX_AUTH_FAILURES) {
        this.transport.send(errLine('UNAUTHENTICATED', `${MAX_AUTH_FAILURES} failed AUTH attempts; closing.`));
        this.closed = true;
        this.transport.close();
      }
    }
  }

  private async ingest(batch: PositionItemDto[]): Promise<void> {
    const ctx = this.context();
    let lines: string[];
    try {
      const denied = await this.reauthenticate(ctx);
      if (denied) {
        const line = this.fail(denied, ctx);
        lines = batch.map(() => line);
      } else {
        const { events, arrivals, rejected } = await ingestPositionBatch(ctx, batch);
        publishUnitEvents(this.app, events);
        publishDispatchChanges(this.app, arrivals);
        const byIndex = new Map(rejected.map((r) => [r.index, r.reason]));
        lines = batch.map((p, i) => {
          const reason = byIndex.get(i);
          if (reason === undefined) return `OK POS ${p.unitId}`;
          const r = REJECTION[reason] ?? { code: 'VALIDATION_FAILED', message: () => reason };
          return errLine(r.code, r.message(p.unitId));
        });
      }
    } catch (err) {
      const line = this.fail(err, ctx);
      lines = batch.map(() => line);
    }
    for (const line of lines) this.reply(line);
  }
}
