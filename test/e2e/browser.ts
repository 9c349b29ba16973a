/** Debian Chromium through playwright-core (never a downloaded browser), and console page helpers. */
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/demo/demo-accounts.ts';
import { chromiumPath } from '../helpers/env.ts';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launches Debian Chromium (headless). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
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
