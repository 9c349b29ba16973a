/**
 * Browser-test harness: builds the console if stale, starts the real server in-process on a fresh test database
 * seeded with the demo city, and launches Chromium.
 */
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { ensureWebBuilt } from '../../scripts/build-web.ts';
import { seedDemo } from '../../src/demo/demo.seed.ts';
import { systemContext } from '../../src/server/context.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { launchChromium } from './browser.ts';

export { signInAs, waitForMap } from './browser.ts';

export interface Harness {
  t: TestApp;
  baseUrl: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Builds the web app if needed, starts the server with the demo seeded, launches Chromium. */
export async function startHarness(): Promise<Harness> {
  await ensureWebBuilt();
  const t = await createTestApp();
  await seedDemo(systemContext(t.database.db, t.app.auditSink));
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  const browser = await launchChromium();
  return {
    t,
    baseUrl: `http://127.0.0.1:${port}`,
    browser,
    async close() {
      await browser.close();
      await t.close();
    },
  };
}
