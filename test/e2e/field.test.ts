/**
 * The officer field view at phone size and the public progress page, in Debian Chromium against the real
 * server (in-process, demo city seeded): an order dispatched through the API appears without reload, the
 * officer acknowledges and reports en route / on scene and the server follows, the route is drawn, notes and a
 * downscaled photo are stored, a lost request is retried with the same Idempotency-Key; the caller's page
 * shows the stages for the real query code and nothing internal, and a clear message for an unknown code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { skipWithoutChromium } from '../helpers/env.ts';
import { signInAs, startHarness, type Harness } from './harness.ts';
import {
  api,
  bringOnDuty,
  dispatchUnit,
  ordersOf,
  putPatrolOnCrew,
  takeCall,
  tokenFor,
  type FieldUnit,
  type OrderView,
  type TakenCall,
} from './field.scenario.ts';

const skip = skipWithoutChromium();

/** Width and height of a baseline JPEG or progressive JPEG, from its SOF segment. */
function jpegSize(bytes: Buffer): { width: number; height: number } | null {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1]!;
    const len = bytes.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc3)
      return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    i += 2 + len;
  }
  return null;
}

describe.skipIf(skip)('officer field view and public progress page in Chromium', () => {
  let h: Harness;
  let phone: BrowserContext;
  let page: Page;
  let dispatcher: string;
  let unit: FieldUnit;
  let call: TakenCall;
  let order: OrderView;
  const pageErrors: string[] = [];

  const watch = (p: Page) => {
    p.on('pageerror', (e) => pageErrors.push(e.message));
    p.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
    });
  };

  beforeAll(async () => {
    h = await startHarness();
    unit = await putPatrolOnCrew(h.t.database.db);
    dispatcher = await tokenFor(h.baseUrl, 'dispatcher');
    await bringOnDuty(h.baseUrl, dispatcher, unit.unitId);
    phone = await h.browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'zh-CN',
      hasTouch: true,
      isMobile: true,
    });
    page = await phone.newPage();
    watch(page);
  }, 400_000);

  afterAll(async () => {
    await phone?.close();
    await h?.close();
  });

  it('shows a patrol officer with nothing dispatched the "no current task" state', async () => {
    await signInAs(page, h.baseUrl, 'patrol');
    await page.evaluate(() => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = '#/field';
    });
    await page.locator('[data-testid=field-no-task]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid=field-no-task]').textContent()).toContain('当前没有任务');
    expect(await page.locator('[data-testid=field-task]').count()).toBe(0);
  });

  it('shows an order dispatched to the unit at once, without a reload, with a visual alert', async () => {
    await page.evaluate(() => {
      (globalThis as unknown as { __noReload: boolean }).__noReload = true;
    });
    call = await takeCall(
      h.baseUrl,
      dispatcher,
      { lon: unit.home.lon + 0.008, lat: unit.home.lat + 0.005 },
      '两名男子在店门口打架，其中一人流血',
    );
    order = await dispatchUnit(h.baseUrl, dispatcher, call.incidentId, unit.unitId);
    const dispatchedAt = Date.now();
    expect(order.status).toBe('sent');
    const task = page.locator(`[data-testid=field-task][data-order-id="${order.id}"]`);
    await task.waitFor({ timeout: 10_000 });
    // Pushed over the live stream, not found by the 60-second fallback poll.
    expect(Date.now() - dispatchedAt).toBeLessThan(5_000);
    expect(await page.evaluate(() => (globalThis as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await expect(page.locator('[data-testid=field-new-order]').textContent()).resolves.toContain('新任务');
    const text = (await task.textContent()) ?? '';
    expect(text).toContain('打架斗殴');
    expect(text).toContain('两名男子在店门口打架');
    if (call.address) expect(text).toContain(call.address);
    expect(await task.getAttribute('data-order-status')).toBe('sent');
    expect(await page.locator('[data-testid=field-elapsed]').textContent()).toMatch(/派警已 \d+:\d\d/);
    // Nothing but acknowledgement is offered before the order is acknowledged.
    expect(await page.locator('[data-testid^=field-action-]').count()).toBe(1);
  });

  it('acknowledge → en route → on scene: each press reaches the server and the card follows', async () => {
    const steps: [string, string][] = [
      ['ack', 'acknowledged'],
      ['en_route', 'en_route'],
      ['on_scene', 'on_scene'],
    ];
    for (const [button, status] of steps) {
      await page.locator(`[data-testid=field-action-${button}]`).click();
      await page.locator(`[data-testid=field-task][data-order-status=${status}]`).waitFor({ timeout: 10_000 });
      const [server] = await ordersOf(h.baseUrl, dispatcher, call.incidentId);
      expect(server?.status, button).toBe(status);
    }
    const incident = await api<{ status: string }>(h.baseUrl, `/api/incidents/${call.incidentId}`, {
      token: dispatcher,
    });
    expect(incident.status).toBe('on_scene');
    expect(await page.locator('[data-testid=field-order-status]').textContent()).toBe('已到场');
    await expect(page.locator('[data-testid=field-action-released]').textContent()).resolves.toContain('收队');
  });

  it('draws the road route from the unit to the scene with distance and ETA', async () => {
    const summary = page.locator('[data-testid=field-route-summary]');
    await summary.waitFor({ timeout: 20_000 });
    expect(await summary.textContent()).toMatch(/约 \d+ 分钟.*路程 [\d.]+ (m|km)/);
    await page.locator('[data-testid=field-route-map][data-ready=true]').waitFor({ timeout: 20_000 });
    const canvas = await page.locator('[data-testid=field-route-map] canvas').boundingBox();
    expect(canvas?.width).toBeGreaterThan(300);
    expect(canvas?.height).toBeGreaterThan(150);
  });

  it('re-plans from the live position of the unit as soon as its first AVL fix arrives', async () => {
    expect(await page.locator('[data-testid=field-route]').textContent()).toContain('从所属派出所出发');
    const before = await page.locator('[data-testid=field-route-summary]').textContent();
    const patrol = await tokenFor(h.baseUrl, 'patrol');
    await api(h.baseUrl, '/api/avl/positions', {
      token: patrol,
      body: {
        positions: [
          {
            unitId: unit.unitId,
            lon: unit.home.lon + 0.003,
            lat: unit.home.lat + 0.001,
            recordedAt: new Date().toISOString(),
          },
        ],
      },
    });
    await page.locator('[data-testid=field-route]', { hasText: '从本单元当前位置出发' }).waitFor({ timeout: 10_000 });
    await page.locator('[data-testid=field-route-map][data-ready=true]').waitFor();
    expect(await page.locator('[data-testid=field-route-summary]').textContent()).not.toBe(before);
  });

  it('saves a note on the incident timeline, and refuses an empty one', async () => {
    await page.locator('[data-testid=field-note-save]').click();
    expect(await page.locator('[data-testid=field-note-message]').textContent()).toBe('请先填写记录内容。');
    await page.locator('[data-testid=field-note-input]').fill('现场已控制，伤者已送医');
    await page.locator('[data-testid=field-note-save]').click();
    await expect(page.locator('[data-testid=field-note-message]').textContent()).resolves.toBe('记录已保存');
    const timeline = await api<{ items: { note: string | null }[] }>(
      h.baseUrl,
      `/api/incidents/${call.incidentId}/timeline`,
      { token: dispatcher },
    );
    expect(timeline.items.filter((e) => e.note === '现场已控制，伤者已送医')).toHaveLength(1);
  });

  it('downscales a large photo to a JPEG of at most 1600 px and uploads it', async () => {
    const png = await page.evaluate(async () => {
      const c = document.createElement('canvas');
      c.width = 2400;
      c.height = 1800;
      const g = c.getContext('2d')!;
      const grad = g.createLinearGradient(0, 0, 2400, 1800);
      grad.addColorStop(0, '#1c5bc4');
      grad.addColorStop(1, '#f0a77e');
      g.fillStyle = grad;
      g.fillRect(0, 0, 2400, 1800);
      const url = c.toDataURL('image/png');
      return url.slice(url.indexOf(',') + 1);
    });
    const sent = page.waitForRequest((r) => r.url().endsWith(`/api/incidents/${call.incidentId}/attachments`));
    await page
      .locator('[data-testid=field-photo-input]')
      .setInputFiles({ name: '现场.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') });
    const request = await sent;
    const body = JSON.parse(request.postData() ?? '{}') as {
      fileName: string;
      contentType: string;
      dataBase64: string;
    };
    expect(body.contentType).toBe('image/jpeg');
    expect(body.fileName).toBe('现场.jpg');
    expect(request.headers()['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(jpegSize(Buffer.from(body.dataBase64, 'base64'))).toEqual({ width: 1600, height: 1200 });
    await page.locator('[data-testid=field-photo-status][data-state=uploaded]').waitFor({ timeout: 15_000 });
  });

  it('refuses a file that is not an image before uploading anything', async () => {
    let uploads = 0;
    const count = () => uploads++;
    page.on('request', (r) => r.url().includes('/attachments') && count());
    await page
      .locator('[data-testid=field-photo-input]')
      .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await page.locator('[data-testid=field-photo-status][data-state=invalid]').waitFor();
    expect(await page.locator('[data-testid=field-photo-status]').textContent()).toContain('请选择图片文件');
    expect(uploads).toBe(0);
  });

  it('fits a 360 px wide phone without sideways scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.waitForTimeout(300);
    const overflow = await page.evaluate(() => {
      const d = (globalThis as unknown as { document: Document }).document;
      const field = d.querySelector('[data-testid=field]') as HTMLElement;
      return { doc: d.documentElement.scrollWidth, field: field.scrollWidth - field.clientWidth };
    });
    expect(overflow.doc).toBeLessThanOrEqual(360);
    expect(overflow.field).toBeLessThanOrEqual(0);
    const button = await page.locator('[data-testid=field-action-released]').boundingBox();
    // A thumb-sized target: at least 48 px high, nearly the full width.
    expect(button!.height).toBeGreaterThanOrEqual(48);
    expect(button!.width).toBeGreaterThan(280);
    await page.setViewportSize({ width: 390, height: 844 });
  });

  it('says what failed when a press does not get through, and the retry reuses its Idempotency-Key', async () => {
    const keys: string[] = [];
    let failNext = true;
    await page.route(`**/api/dispatch/orders/${order.id}/status`, async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (failNext) {
        failNext = false;
        await route.abort('internetdisconnected');
      } else {
        await route.continue();
      }
    });
    await page.locator('[data-testid=field-action-released]').click();
    const error = page.locator('[data-testid=field-action-error]');
    await error.waitFor();
    expect(await error.textContent()).toContain('网络连接失败');
    expect((await ordersOf(h.baseUrl, dispatcher, call.incidentId))[0]?.status).toBe('on_scene');
    await error.locator('button').click();
    // Released orders are no longer active: the card goes and the "no task" state returns.
    await page.locator('[data-testid=field-no-task]').waitFor({ timeout: 10_000 });
    await page.unroute(`**/api/dispatch/orders/${order.id}/status`);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect((await ordersOf(h.baseUrl, dispatcher, call.incidentId))[0]?.status).toBe('released');
  });

  it('says the task list could not be loaded while offline, and recovers with "retry"', async () => {
    await phone.setOffline(true);
    await page.locator('[data-testid=field-refresh]').click();
    const error = page.locator('[data-testid=field-load-error]');
    await error.waitFor({ timeout: 10_000 });
    expect(await error.textContent()).toContain('网络连接失败');
    await phone.setOffline(false);
    await error.locator('button').click();
    await error.waitFor({ state: 'detached', timeout: 10_000 });
    await page.locator('[data-testid=field-no-task]').waitFor();
  });

  describe('public progress page', () => {
    let visitor: BrowserContext;
    let p: Page;

    beforeAll(async () => {
      visitor = await h.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
      p = await visitor.newPage();
      watch(p);
    });
    afterAll(async () => {
      await visitor?.close();
    });

    it('shows the stages with times for a real query code, without logging in and without internal data', async () => {
      await p.goto(`${h.baseUrl}/#/progress/${call.queryCode}`);
      const steps = p.locator('[data-testid=progress-steps] li');
      await steps.first().waitFor({ timeout: 15_000 });
      const stages = await steps.evaluateAll((els) =>
        els.map((e) => [e.getAttribute('data-stage'), e.getAttribute('data-state')]),
      );
      expect(stages.slice(0, 2)).toEqual([
        ['received', 'done'],
        ['graded', 'done'],
      ]);
      expect(stages).toContainEqual(['dispatched', 'done']);
      expect(stages).toContainEqual(['on_scene', expect.stringMatching(/done|current/)]);
      const first = await steps.first().textContent();
      expect(first).toContain('已接警');
      expect(first).toMatch(/\d+月\d+日 \d\d:\d\d/);
      const text = (await p.locator('body').textContent()) ?? '';
      for (const secret of [call.description, '王秀英', '13800138000', unit.callSign, '巡逻民警', call.address ?? '']) {
        if (secret) expect(text, secret).not.toContain(secret);
      }
      expect(await p.locator('[data-testid=progress-updated]').textContent()).toContain('每 30 秒自动刷新');
    });

    it('says clearly that an unknown code was not found', async () => {
      await p.goto(`${h.baseUrl}/#/progress/ZZZZZZZZZ2`);
      const error = p.locator('[data-testid=progress-error]');
      await error.waitFor({ timeout: 10_000 });
      expect(await error.getAttribute('data-reason')).toBe('notFound');
      expect(await error.textContent()).toContain('没有找到这个查询码（ZZZZZZZZZ2）');
      expect(await p.locator('[data-testid=progress-steps]').count()).toBe(0);
    });

    it('says "too many look-ups" on a 429 and "no network" when offline, and "retry" then shows the stages', async () => {
      const path = `**/api/public/progress/${call.queryCode}`;
      await p.route(path, (route) =>
        route.fulfill({
          status: 429,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'slow down', details: {} } }),
        }),
      );
      await p.goto(`${h.baseUrl}/#/progress/${call.queryCode}`);
      const error = p.locator('[data-testid=progress-error]');
      await error.waitFor({ timeout: 10_000 });
      expect(await error.getAttribute('data-reason')).toBe('rateLimited');
      expect(await error.textContent()).toContain('查询太频繁了');
      await p.unroute(path);
      await visitor.setOffline(true);
      await error.locator('button').click();
      await p.locator('[data-testid=progress-error][data-reason=network]').waitFor({ timeout: 10_000 });
      expect(await error.textContent()).toContain('网络连接失败');
      await visitor.setOffline(false);
      await error.locator('button').click();
      await p.locator('[data-testid=progress-steps] li').first().waitFor({ timeout: 10_000 });
      expect(await p.locator('[data-testid=progress-error]').count()).toBe(0);
    });

    it('checks a typed code before asking, and accepts one typed in lower case with spaces', async () => {
      await p.goto(`${h.baseUrl}/#/progress`);
      await p.locator('input[name=code]').fill('ab3');
      await p.locator('button[type=submit]').click();
      expect(await p.locator('[data-testid=progress-code-problem]').textContent()).toBe(
        '查询码应为 10 位，您输入了 3 位。',
      );
      const spaced = `${call.queryCode.slice(0, 5).toLowerCase()} ${call.queryCode.slice(5).toLowerCase()}`;
      await p.locator('input[name=code]').fill(spaced);
      await p.locator('button[type=submit]').click();
      await p.locator('[data-testid=progress-steps] li').first().waitFor({ timeout: 10_000 });
      expect(new URL(p.url()).hash).toBe(`#/progress/${call.queryCode}`);
    });

    it('honours large text and still fits a 360 px screen', async () => {
      await p.setViewportSize({ width: 360, height: 740 });
      const before = await p
        .locator('.progress-step-name')
        .first()
        .evaluate((e) => getComputedStyle(e).fontSize);
      await p.locator('[data-testid=toggle-text]').click();
      expect(await p.locator('html').getAttribute('data-text')).toBe('large');
      const after = await p
        .locator('.progress-step-name')
        .first()
        .evaluate((e) => getComputedStyle(e).fontSize);
      expect(parseFloat(after)).toBeGreaterThan(parseFloat(before));
      const width = await p.evaluate(
        () => (globalThis as unknown as { document: Document }).document.documentElement.scrollWidth,
      );
      expect(width).toBeLessThanOrEqual(360);
    });
  });

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
