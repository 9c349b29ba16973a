/**
 * Browser-test harness: builds the console if stale, starts the real server in-process on a fresh database
 * seeded with the demo city, and launches Debian Chromium through playwright-core (never a downloaded browser).
 */
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureWebBuilt } from '../../scripts/build-web.ts';
import { seedDemo } from '../../src/demo/demo.seed.ts';
import { DEMO_PASSWORD } from '../../src/demo/demo-accounts.ts';
import { systemContext } from '../../src/server/context.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { chromiumPath } from '../helpers/env.ts';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface Harness {
  t: TestApp;
  baseUrl: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Launches Debian Chromium (headless). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
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

/** Signs in through the login form and waits for the console. */
export async function signInAs(page: Page, baseUrl: string, username: string, password = DEMO_PASSWORD) {
  await page.goto(baseUrl);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('button[type=submit]').click();
  await page.locator('[data-testid=current-user]').waitFor({ timeout: 15_000 });
}

/** Waits until the map has its data loaded and MapLibre has finished rendering it. */
export async function waitForMap(page: Page): Promise<void> {
  await page.locator('[data-testid=city-map][data-ready=true]').waitFor({ timeout: 30_000 });
  await page.waitForFunction(
    () => {
      const map = (globalThis as unknown as { __jingwuMap?: { loaded(): boolean; isMoving(): boolean } }).__jingwuMap;
      return !!map && map.loaded() && !map.isMoving();
    },
    undefined,
    { timeout: 30_000 },
  );
}
