/**
 * The platform as `npm start` runs it (demo city seeded on a fresh embedded database in a temporary folder),
 * for the screenshot script and the web benchmark, which run outside the test runner.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/server/config.ts';
import { startServer } from '../../src/server/server.ts';
import { ensureWebBuilt } from '../../scripts/build-web.ts';
import type { Database } from '../../src/server/db/client.ts';

export interface LiveServer {
  url: string;
  /** Seconds spent seeding and starting (excluding the web build). */
  startSeconds: number;
  /** The server's database, for scripts that prepare data the API cannot (e.g. crew links). */
  database: Database;
  close(): Promise<void>;
}

/** Builds the console if stale and starts a demo server on a free port. */
export async function startDemoServer(opts: { scale?: 'small' | 'city' | 'province' } = {}): Promise<LiveServer> {
  await ensureWebBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'jingwu-web-'));
  const started = performance.now();
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    DEMO_SEED: 'true',
    DEMO_SCALE: opts.scale ?? process.env.DEMO_SCALE ?? 'city',
  });
  const server = await startServer(config);
  return {
    url: server.url.replace('localhost', '127.0.0.1'),
    startSeconds: (performance.now() - started) / 1000,
    database: server.database,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
