/**
 * The web console in Debian Chromium against the real server (in-process, demo city seeded): sign in, the map
 * draws the city, language and dark mode switch, search flies to a place, live updates arrive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../src/server/db/client.ts';
import type { BrowserContext, Page } from 'playwright-core';
import { skipWithoutChromium } from '../helpers/env.ts';
import { signInAs, startHarness, waitForMap, type Harness } from './harness.ts';

const skip = skipWithoutChromium();

/** What the tests read from the page's map instance (window.__jingwuMap). */
interface MapProbe {
  layers: string[];
  sources: string[];
  jurisdictions: number;
  renderedBoundaries: number;
  center: [number, number];
  zoom: number;
  canvas: { width: number; height: number };
  background: unknown;
}

function probe(page: Page): Promise<MapProbe> {
  return page.evaluate(() => {
    interface M {
      getStyle(): { layers: { id: string }[]; sources: Record<string, unknown> };
      querySourceFeatures(id: string): unknown[];
      queryRenderedFeatures(opts: { layers: string[] }): unknown[];
      getCenter(): { lng: number; lat: number };
      getZoom(): number;
      getCanvas(): { width: number; height: number };
      getPaintProperty(layer: string, prop: string): unknown;
    }
    const map = (globalThis as unknown as { __jingwuMap: M }).__jingwuMap;
    const style = map.getStyle();
    const c = map.getCenter();
    return {
      layers: style.layers.map((l) => l.id),
      sources: Object.keys(style.sources),
      jurisdictions: map.querySourceFeatures('jurisdictions').length,
      renderedBoundaries: map.queryRenderedFeatures({ layers: ['district-line', 'station-area-line'] }).length,
      center: [c.lng, c.lat] as [number, number],
      zoom: map.getZoom(),
      canvas: { width: map.getCanvas().width, height: map.getCanvas().height },
      background: map.getPaintProperty('background', 'background-color'),
    };
  });
}

/** Features currently in one GeoJSON source of the page's map. */
function sourceSize(page: Page, id: string): Promise<number> {
  return page.evaluate(async (sourceId) => {
    const map = (
      globalThis as unknown as {
        __jingwuMap: { getSource(id: string): { getData(): Promise<{ features: unknown[] }> } };
      }
    ).__jingwuMap;
    return (await map.getSource(sourceId).getData()).features.length;
  }, id);
}

describe.skipIf(skip)('web console in Chromium', () => {
  let h: Harness;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    h = await startHarness();
    context = await h.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      // Failed requests are checked below, by URL.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
    });
    page.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      // Expected: the wrong-password login, and geo layers that are not there yet (the map degrades).
      const expected = (path === '/api/auth/login' && r.status() === 401) || path.startsWith('/api/geo/');
      if (r.status() >= 400 && !expected) pageErrors.push(`${r.status()} ${path}`);
    });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await h?.close();
  });

  it('serves the login page in Chinese with a content security policy', async () => {
    const res = await page.goto(h.baseUrl);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("default-src 'self'");
    await expect(page.locator('h1').textContent()).resolves.toBe('警务综合业务平台');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
  });

  it('shows the API error translated when the password is wrong', async () => {
    await page.locator('input[name=username]').fill('dispatcher');
    await page.locator('input[name=password]').fill('wrong-password');
    await page.locator('button[type=submit]').click();
    await expect(page.locator('[data-testid=login-error]').textContent()).resolves.toBe('用户名或密码错误。');
  });

  it('signs in and draws the city on the map', async () => {
    await signInAs(page, h.baseUrl, 'dispatcher');
    expect(await page.locator('[data-testid=current-user]').textContent()).toContain('李明');
    await waitForMap(page);
    const m = await probe(page);
    expect(m.sources).toEqual(expect.arrayContaining(['roads', 'water', 'jurisdictions', 'stations', 'units']));
    expect(m.layers).toEqual(expect.arrayContaining(['background', 'road', 'water-fill', 'district-line', 'station']));
    expect(m.canvas.width).toBeGreaterThan(500);
    expect(m.canvas.height).toBeGreaterThan(400);
    expect(m.jurisdictions).toBeGreaterThan(0);
    // Rendered features exist only when the GPU path actually drew them.
    expect(m.renderedBoundaries).toBeGreaterThan(0);
    // The camera framed the demo city (江州市, around 113.2-113.5 E, 23.0-23.24 N).
    expect(m.center[0]).toBeGreaterThan(113.1);
    expect(m.center[0]).toBeLessThan(113.6);
    expect(m.center[1]).toBeGreaterThan(22.9);
    expect(m.center[1]).toBeLessThan(23.4);
    // District names are DOM labels (no glyph server).
    await expect(page.locator('.map-label-district').first().textContent()).resolves.toMatch(/区|县/);
    // The dispatcher's menu: map and command sections, no audit or user management.
    const nav = await page.locator('.side-nav a').allTextContents();
    expect(nav).toEqual(expect.arrayContaining(['态势地图', '指挥调度', '警力投送']));
    expect(nav).not.toContain('审计');
    expect(nav).not.toContain('用户管理');
  });

  it('switches the language: every visible string changes, and back', async () => {
    await page.locator('[data-testid=toggle-language]').click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    const nav = await page.locator('.side-nav a').allTextContents();
    expect(nav).toEqual(expect.arrayContaining(['Situation map', 'Command & dispatch', 'Force deployment']));
    const header = (await page.locator('.console-header').textContent()) ?? '';
    expect(header).toContain('Sign out');
    // Nothing outside the user's own name and the map's place names is left in Chinese.
    const chrome = await page.evaluate(() => {
      const doc = (
        globalThis as unknown as {
          document: {
            querySelectorAll(
              s: string,
            ): ArrayLike<{ textContent: string | null; getAttribute(a: string): string | null }>;
          };
        }
      ).document;
      const texts: string[] = [];
      for (const sel of [
        '.side-nav',
        '.header-tools button:not([data-testid=toggle-language])',
        '.conn',
        '.layer-switcher',
        '.map-zoom button',
      ]) {
        for (const el of Array.from(doc.querySelectorAll(sel)))
          texts.push(el.textContent ?? '', el.getAttribute('aria-label') ?? '');
      }
      texts.push(doc.querySelectorAll('input[name=q]')[0]?.getAttribute('placeholder') ?? '');
      return texts.join(' ');
    });
    expect(chrome.match(/.{0,20}\p{Script=Han}.{0,20}/u)?.[0] ?? null).toBeNull();
    await page.locator('[data-testid=toggle-language]').click();
    await expect.poll(() => page.locator('.side-nav a').first().textContent()).toBe('态势地图');
  });

  it('searches a place and flies the map to it', async () => {
    const before = await probe(page);
    await page.keyboard.press('/');
    const input = page.locator('input[name=q]');
    await expect
      .poll(() => input.evaluate((el) => el === (el.ownerDocument as { activeElement: unknown }).activeElement))
      .toBe(true);
    await input.fill('白沙');
    const first = page.locator('.search-results li').first();
    await first.waitFor();
    expect(await first.textContent()).toContain('白沙');
    await input.press('Enter');
    await page.locator('.search-pin').waitFor();
    await waitForMap(page);
    const after = await probe(page);
    const moved = Math.hypot(after.center[0] - before.center[0], after.center[1] - before.center[1]);
    expect(moved).toBeGreaterThan(0.005);
    expect(after.zoom).toBeGreaterThan(before.zoom);

    await input.fill('不存在的地方xyz');
    await expect.poll(() => page.locator('.search-note').textContent()).toContain('未找到');
    await input.press('Escape');
  });

  it('toggles dark mode and large text from the keyboard, and the map follows the theme', async () => {
    const light = (await probe(page)).background;
    await page.keyboard.press('d');
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark');
    await expect.poll(async () => (await probe(page)).background).not.toEqual(light);
    await page.keyboard.press('t');
    await expect.poll(() => page.locator('html').getAttribute('data-text')).toBe('large');
    const fontSize = await page.evaluate(() => {
      const g = globalThis as unknown as {
        getComputedStyle(e: unknown): { fontSize: string };
        document: { documentElement: unknown };
      };
      return parseFloat(g.getComputedStyle(g.document.documentElement).fontSize);
    });
    expect(fontSize).toBeGreaterThan(16);
  });

  it('opens the shortcut help with ?, closes it with Escape', async () => {
    await page.keyboard.press('?');
    const help = page.locator('[data-testid=help-panel]');
    await help.waitFor();
    expect(await help.textContent()).toContain('聚焦搜索框');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
  });

  it('keeps the session and the preferences across a reload', async () => {
    await page.reload();
    await page.locator('[data-testid=current-user]').waitFor({ timeout: 15_000 });
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    expect(await page.locator('html').getAttribute('data-text')).toBe('large');
    await waitForMap(page);
    // Back to the defaults for the tests that follow.
    await page.keyboard.press('d');
    await page.keyboard.press('t');
  });

  it('draws the units at their stations, then unit positions pushed over the stream', async () => {
    await expect.poll(() => page.locator('[data-testid=connection]').getAttribute('data-status')).toBe('open');
    const rows = await query<{ n: number }>(h.t.database.db, sql`select count(*)::int as n from units`);
    const n = rows[0]!.n;
    expect(n).toBeGreaterThan(0);
    await expect.poll(() => sourceSize(page, 'units'), { timeout: 10_000 }).toBe(n);
    const published = h.t.app.realtime.publish('units', {
      type: 'unit.position',
      data: { id: 'unit-1', callSign: '江州01', status: 'available', lon: 113.3, lat: 23.1 },
      audience: { action: 'unit.read', resource: { type: 'unit', jurisdictionPath: '/91/9101/' } },
    });
    expect(published.delivered).toBeGreaterThan(0);
    await expect.poll(() => sourceSize(page, 'units'), { timeout: 10_000 }).toBe(n + 1);
  });

  it('signs out back to the login page; the old session no longer opens the console', async () => {
    await page.locator('[data-testid=logout]').click();
    await page.locator('input[name=username]').waitFor();
    await page.reload();
    await page.locator('input[name=username]').waitFor();
    expect(await page.locator('[data-testid=current-user]').count()).toBe(0);
  });

  it('gives an auditor only the audit section, as a translated placeholder', async () => {
    const auditor = await context.browser()!.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const p = await auditor.newPage();
      await signInAs(p, h.baseUrl, 'auditor');
      expect(await p.locator('.side-nav a').allTextContents()).toEqual(['审计']);
      await expect(p.locator('[data-testid=placeholder-audit]').textContent()).resolves.toContain('正在建设中');
      expect(await p.locator('[data-testid=city-map]').count()).toBe(0);
    } finally {
      await auditor.close();
    }
  });

  it('logged no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
