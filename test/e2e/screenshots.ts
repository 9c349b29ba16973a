/**
 * `npm run screenshots`: saves the console's main screens to docs/screenshots/ (login zh, console zh and en,
 * dark + large text, help panel, command board and its new-call form) from Debian Chromium against a freshly
 * seeded demo server.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/demo/demo-accounts.ts';
import { launchChromium, signInAs, waitForMap } from './browser.ts';
import { startDemoServer } from './live-server.ts';
import { fieldScreens } from './field.screens.ts';
import { runDeploymentScenario } from './deployment.scenario.ts';

const OUT = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

async function shot(page: Page, name: string): Promise<void> {
  // Let fonts and the last map frame settle.
  await page.evaluate(
    () => (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts.ready,
  );
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${OUT}${name}.png` });
  process.stdout.write(`  docs/screenshots/${name}.png\n`);
}

mkdirSync(OUT, { recursive: true });
const server = await startDemoServer();
process.stdout.write(`demo server ready in ${server.startSeconds.toFixed(1)} s at ${server.url}\n`);
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.locator('input[name=username]').waitFor();
  await shot(page, 'login-zh');

  await signInAs(page, server.url, 'dispatcher');
  await waitForMap(page);
  await page.keyboard.press('l');
  await shot(page, 'console-zh');

  await page.locator('[data-testid=toggle-language]').click();
  await page.locator('input[name=q]').fill('江');
  await page
    .locator('.search-results li')
    .first()
    .waitFor({ timeout: 10_000 })
    .catch(() => undefined);
  await shot(page, 'console-en');
  await page.locator('input[name=q]').fill('');
  await page.locator('input[name=q]').press('Escape');
  await page.locator('[data-testid=toggle-language]').click();

  // Keys, not clicks, so no button keeps a focus ring in the picture.
  await page.evaluate(() =>
    (
      globalThis as unknown as { document: { activeElement: { blur?(): void } | null } }
    ).document.activeElement?.blur?.(),
  );
  await page.keyboard.press('d');
  await page.keyboard.press('t');
  await waitForMap(page);
  await shot(page, 'console-dark-large');

  await page.keyboard.press('t');
  await page.keyboard.press('?');
  await page.locator('[data-testid=help-panel]').waitFor();
  await shot(page, 'help-panel');
  await context.close();

  // Command board at the smallest supported screen: the keyboard intake, then the new call with its recommendation.
  const boardContext = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const board = await boardContext.newPage();
  await signInAs(board, server.url, 'dispatcher');
  const address = await board.evaluate(async (password) => {
    const f = (globalThis as unknown as { fetch: typeof fetch }).fetch;
    const login = await f('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'dispatcher', password }),
    });
    const auth = { authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` };
    const units = (await (await f('/api/units?status=available', { headers: auth })).json()) as {
      items: { home: { lon: number; lat: number } }[];
    };
    const home = units.items[0]?.home ?? { lon: 113.3, lat: 23.1 };
    const near = await f(`/api/geo/reverse?lon=${home.lon + 0.012}&lat=${home.lat + 0.008}`, { headers: auth });
    return ((await near.json()) as { address: { district: string; street: string; building: string } }).address;
  }, DEMO_PASSWORD);
  await board.goto(`${server.url}/#/dispatch`);
  await waitForMap(board);
  await board.keyboard.press('n');
  await board.keyboard.type('抢劫');
  await board.keyboard.press('Tab');
  await board.keyboard.type(`${address.district}${address.street}${address.building}`);
  await board.keyboard.press('Tab');
  await board.keyboard.type('两名男子持刀抢劫便利店，往江边方向逃跑');
  await board.keyboard.press('Tab');
  await board.keyboard.press('Tab');
  await board.keyboard.type('王女士');
  await board.keyboard.press('Tab');
  await board.keyboard.type('13800001234');
  await board.keyboard.press('Tab');
  await board.keyboard.press('Space');
  await shot(board, 'board-intake-zh');
  await board.keyboard.press('Control+Enter');
  await board.locator('[data-testid=accept-recommendation]').waitFor({ timeout: 60_000 });
  await waitForMap(board);
  await shot(board, 'board-zh');
  await boardContext.close();

  // Deployment board: the county's plan on the map, the duty leader's e-signature dialog, live arrivals.
  const deployment = await runDeploymentScenario(browser, server.url, server.database.db, shot);
  await deployment.close();

  await fieldScreens(browser, server.url, server.database.db, shot);
} finally {
  await browser.close();
  await server.close();
}
process.exit(0);
