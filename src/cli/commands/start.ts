/** `jingwu start`: run the platform. */
import type { Command } from 'commander';
import { loadConfig, type Config } from '../../server/config.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { demoLoginLines } from '../../demo/demo-logins.ts';

/** Starts the platform and prints where it runs, the database and, with the demo, the logins (shared by `start` and `demo simulate`). */
export async function startAndAnnounce(config: Config): Promise<RunningServer> {
  const server = await startServer(config);
  const lines = [
    '',
    `  警务 Jingwu is running at ${server.url}`,
    `  API docs: ${server.url}/api/docs`,
    `  Database: ${server.database.kind === 'pglite' ? `embedded (${config.dataDir})` : 'PostgreSQL server'}`,
    `  Devices: ${server.url.replace(/^http/, 'ws')}/api/devices/ws${server.app.devices.tcpPort === null ? '' : `, TCP ${config.host}:${server.app.devices.tcpPort}`}`,
    '',
    ...(server.demoSeed?.seeded
      ? [
          `  Demo city seeded (scale ${config.demo.scale}, seed ${config.demo.seed}) in ${((server.demoSeed.generateMs + server.demoSeed.writeMs) / 1000).toFixed(1)} s: ${server.demoSeed.counts.addresses ?? 0} addresses, ${server.demoSeed.counts.roads ?? 0} roads, ${server.demoSeed.jurisdictions} jurisdictions.`,
          '',
        ]
      : []),
    ...(config.demo.seedOnStart ? [...demoLoginLines(), ''] : []),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return server;
}

/** On SIGINT/SIGTERM: runs `before` (if any), closes the server and exits. */
export function closeOnSignals(server: RunningServer, before?: () => Promise<void>): void {
  const stop = async (signal: string) => {
    server.app.log.info({ signal }, 'shutting down');
    await before?.();
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('Start the platform: API under /api, web console at /, embedded database unless DATABASE_URL is set')
    .action(async () => {
      const server = await startAndAnnounce(loadConfig());
      closeOnSignals(server);
    });
}
