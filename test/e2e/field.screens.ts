/**
 * Screenshots of the officer field view (phone size) and the public progress page (normal and large text),
 * called from `npm run screenshots` with its running demo server and its `shot` function.
 */
import type { Browser, Page } from 'playwright-core';
import type { Executor } from '../../src/server/db/client.ts';
import { signInAs } from './browser.ts';
import { bringOnDuty, dispatchUnit, putPatrolOnCrew, takeCall, tokenFor } from './field.scenario.ts';

type Shot = (page: Page, name: string) => Promise<void>;

/** Saves field-phone-*.png and progress-*.png. */
export async function fieldScreens(browser: Browser, baseUrl: string, db: Executor, shot: Shot): Promise<void> {
  const unit = await putPatrolOnCrew(db);
  const dispatcher = await tokenFor(baseUrl, 'dispatcher');
  await bringOnDuty(baseUrl, dispatcher, unit.unitId);

  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    locale: 'zh-CN',
    hasTouch: true,
    isMobile: true,
  });
  const page = await phone.newPage();
  await signInAs(page, baseUrl, 'patrol');
  await page.evaluate(() => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = '#/field';
  });
  await page.locator('[data-testid=field-no-task]').waitFor({ timeout: 15_000 });
  await shot(page, 'field-phone-no-task');

  const call = await takeCall(
    baseUrl,
    dispatcher,
    { lon: unit.home.lon + 0.008, lat: unit.home.lat + 0.005 },
    '两名男子在超市门口打架，其中一人头部流血，现场有十余人围观。',
  );
  await dispatchUnit(baseUrl, dispatcher, call.incidentId, unit.unitId);
  await page.locator('[data-testid=field-task]').waitFor({ timeout: 15_000 });
  await page.waitForTimeout(3_200); // let the alert's pulse end
  await shot(page, 'field-phone-new-order');

  await page.locator('[data-testid=field-action-ack]').click();
  await page.locator('[data-testid=field-task][data-order-status=acknowledged]').waitFor();
  await page.locator('[data-testid=field-action-en_route]').click();
  await page.locator('[data-testid=field-task][data-order-status=en_route]').waitFor();
  await page
    .locator('[data-testid=field-new-order] button')
    .click({ timeout: 2_000 })
    .catch(() => undefined);
  await page.evaluate(() =>
    (
      globalThis as unknown as { document: { activeElement: { blur?(): void } | null } }
    ).document.activeElement?.blur?.(),
  );
  await shot(page, 'field-phone-en-route');
  await page.locator('[data-testid=toggle-language]').click();
  await page.locator('[data-testid=field-action-on_scene]').waitFor();
  await page.evaluate(() =>
    (
      globalThis as unknown as { document: { activeElement: { blur?(): void } | null } }
    ).document.activeElement?.blur?.(),
  );
  await shot(page, 'field-phone-en');
  await page.locator('[data-testid=toggle-language]').click();
  await page.locator('[data-testid=toggle-theme]').click();
  await page.evaluate(() =>
    (
      globalThis as unknown as { document: { activeElement: { blur?(): void } | null } }
    ).document.activeElement?.blur?.(),
  );
  await shot(page, 'field-phone-dark');
  await page.locator('[data-testid=toggle-theme]').click();
  await page.locator('[data-testid=field-route-map][data-ready=true]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid=field-route]').scrollIntoViewIfNeeded();
  await page.waitForTimeout(1_500); // roads arrive after the route; let MapLibre draw them
  await shot(page, 'field-phone-route');
  await phone.close();

  const visitor = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    locale: 'zh-CN',
  });
  const p = await visitor.newPage();
  await p.goto(`${baseUrl}/#/progress`);
  await p.locator('input[name=code]').fill('ab3');
  await p.locator('button[type=submit]').click();
  await p.locator('[data-testid=progress-code-problem]').waitFor();
  await shot(p, 'progress-code-form');
  await p.goto(`${baseUrl}/#/progress/${call.queryCode}`);
  await p.locator('[data-testid=progress-steps] li').first().waitFor({ timeout: 15_000 });
  await shot(p, 'progress-zh');
  await p.locator('[data-testid=toggle-text]').click();
  await p.evaluate(() =>
    (
      globalThis as unknown as { document: { activeElement: { blur?(): void } | null } }
    ).document.activeElement?.blur?.(),
  );
  await shot(p, 'progress-large-text');
  await p.goto(`${baseUrl}/#/progress/ZZZZZZZZZ2`);
  await p.locator('[data-testid=progress-error]').waitFor({ timeout: 15_000 });
  await shot(p, 'progress-not-found');
  await p.locator('[data-testid=toggle-text]').click();
  await visitor.close();
}
