/**
 * The line protocol over raw TCP (`DEVICE_TCP_PORT`): bytes are split at `\n` (a trailing `\r` is dropped) and
 * decoded as UTF-8. A line longer than `MAX_LINE_BYTES` is answered `ERR DEVICE_LINE_TOO_LONG` and skipped up to
 * its end, without buffering it. Idle connections (no line for five minutes) are closed; devices send `PING`.
 */
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { AuthSettings } from '../auth/auth.settings.ts';
import { MAX_LINE_BYTES } from './devices.protocol.ts';
import { DeviceSession, type DeviceSessionOptions } from './devices.session.ts';

const IDLE_MS = 5 * 60_000;
const NL = 0x0a;

/** Splits a byte stream into lines, refusing over-long ones as soon as they exceed the limit. */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private skipping = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onTooLong: () => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(NL, start); nl >= 0; nl = chunk.indexOf(NL, start)) {
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      if (this.skipping) {
        this.skipping = false;
        continue;
      }
      if (this.size + piece.length > MAX_LINE_BYTES + 1) {
        this.reset();
        this.onTooLong();
        continue;
      }
      const line = this.size ? Buffer.concat([...this.parts, piece]) : piece;
      this.reset();
      const end = line.length && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
      this.onLine(line.toString('utf8', 0, end));
    }
    if (start >= chunk.length || this.skipping) return;
    const rest = chunk.subarray(start);
    if (this.size + rest.length > MAX_LINE_BYTES + 1) {
      this.reset();
      this.skipping = true;
      this.onTooLong();
      return;
    }
    this.parts.push(Buffer.from(rest));
    this.size += rest.length;
  }

  private reset(): void {
    this.parts = [];
    this.size = 0;
  }
}

/** A listening device server and the sessions it holds. */
export interface DeviceTcpServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the TCP device server on `host:port` (0 picks a free port). */
export async function listenDeviceTcp(
  app: FastifyInstance,
  settings: AuthSettings,
  opts: { host: string; port: number; session?: DeviceSessionOptions },
): Promise<DeviceTcpServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    socket.setTimeout(IDLE_MS, () => socket.end());
    const session = new DeviceSession(
      app,
      settings,
      {
        kind: 'tcp',
        remoteAddress: socket.remoteAddress ?? 'unknown',
        send: (line) => {
          if (socket.writable) socket.write(`${line}\n`);
        },
        close: () => socket.end(),
        pause: () => socket.pause(),
        resume: () => socket.resume(),
      },
      opts.session,
    );
    const splitter = new LineSplitter(
      (line) => session.receive(line),
      () => session.refuse('DEVICE_LINE_TOO_LONG', `A line may hold at most ${MAX_LINE_BYTES} bytes.`),
    );
    socket.on('data', (chunk: Buffer) => splitter.push(chunk));
    socket.on('error', (err) => app.log.debug({ err, device: session.id }, 'device socket error'));
    socket.on('close', () => {
      sockets.delete(socket);
      void session.end();
    });
  });
  server.maxConnections = 20_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => app.log.error({ err }, 'device TCP server error'));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  app.log.info({ port }, 'device line protocol listening on TCP');
  return {
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.end();
      // Give devices a moment to receive their last replies, then cut whoever is left.
      const timer = setTimeout(() => sockets.forEach((s) => s.destroy()), 1_000);
      await closed;
      clearTimeout(timer);
    },
  };
}
