/** The line protocol over WebSocket: `GET /api/devices/ws`, one or more lines per text message. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses } from '../../../contracts/common.schemas.ts';
import type { AuthSettings } from '../auth/auth.settings.ts';
import { MAX_LINE_BYTES } from './devices.protocol.ts';
import { DeviceSession } from './devices.session.ts';

/** What we use of a `ws` WebSocket (the package ships no types, and this keeps the surface small). */
interface DeviceSocket {
  readonly readyState: number;
  readonly OPEN: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  pause(): void;
  resume(): void;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  on(event: 'close', listener: () => void): void;
}

/** Largest WebSocket message accepted (several lines may share one). */
export const MAX_MESSAGE_BYTES = 64 * 1024;

export const devicesRoutes =
  (settings: AuthSettings): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/api/devices/ws',
      {
        websocket: true,
        schema: {
          tags: ['devices'],
          summary: 'Vehicle terminal line protocol over WebSocket (AUTH, POS, STATUS, PING; see ARCHITECTURE.md)',
          description:
            'Upgrade to WebSocket, then send text lines: `AUTH <access token>`, `POS <unitId> <lon> <lat> ' +
            '<ISO-8601 time> [speedKmh] [heading]`, `STATUS <unitId> <status>`, `PING`. Each line gets one reply ' +
            'line, `OK …` or `ERR <ERROR_CODE> <message>`, in order.',
          querystring: Type.Object({}, { additionalProperties: false }),
          response: errorResponses(400, 401),
        },
      },
      (socket: DeviceSocket, request) => {
        const session = new DeviceSession(app, settings, {
          kind: 'ws',
          remoteAddress: request.ip,
          send: (line) => {
            if (socket.readyState === socket.OPEN) socket.send(line);
          },
          close: () => socket.close(1008, 'closing'),
          pause: () => socket.pause(),
          resume: () => socket.resume(),
        });
        socket.on('message', (data, isBinary) => {
          if (isBinary) {
            session.refuse('VALIDATION_FAILED', 'Send text messages (UTF-8 lines), not binary.');
            return;
          }
          const text = Array.isArray(data)
            ? Buffer.concat(data).toString('utf8')
            : Buffer.from(data as ArrayBuffer).toString('utf8');
          for (const line of text.split('\n')) {
            const l = line.endsWith('\r') ? line.slice(0, -1) : line;
            if (Buffer.byteLength(l) > MAX_LINE_BYTES) {
              session.refuse('DEVICE_LINE_TOO_LONG', `A line may hold at most ${MAX_LINE_BYTES} bytes.`);
            } else session.receive(l);
          }
        });
        socket.on('error', (err: Error) => app.log.debug({ err, device: session.id }, 'device websocket error'));
        socket.on('close', () => void session.end());
      },
    );
  };
