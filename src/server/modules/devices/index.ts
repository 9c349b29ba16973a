/**
 * Devices module: the vehicle-terminal line protocol (`devices.protocol.ts`) over WebSocket
 * (`GET /api/devices/ws`) and, when `DEVICE_TCP_PORT` is set, over raw TCP.
 */
import fp from 'fastify-plugin';
import websocket from '@fastify/websocket';
import { authSettings } from '../auth/auth.settings.ts';
import { MAX_MESSAGE_BYTES, devicesRoutes } from './devices.routes.ts';
import { listenDeviceTcp, type DeviceTcpServer } from './devices.tcp.ts';

declare module 'fastify' {
  interface FastifyInstance {
    devices: {
      /** The TCP port the line protocol listens on, or null when `DEVICE_TCP_PORT` is unset. */
      readonly tcpPort: number | null;
    };
  }
}

export const devicesModule = fp(
  async (app) => {
    const settings = authSettings(app.config);
    await app.register(websocket, { options: { maxPayload: MAX_MESSAGE_BYTES } });
    await app.register(devicesRoutes(settings));

    let tcp: DeviceTcpServer | null = null;
    app.decorate('devices', {
      get tcpPort() {
        return tcp?.port ?? null;
      },
    });
    const port = app.config.deviceTcpPort;
    if (port !== undefined) {
      app.addHook('onReady', async () => {
        tcp = await listenDeviceTcp(app, settings, { host: app.config.host, port });
      });
      app.addHook('preClose', async () => {
        await tcp?.close();
      });
    }
  },
  { name: 'devices', dependencies: ['auth', 'audit', 'realtime', 'dispatch'] },
);
