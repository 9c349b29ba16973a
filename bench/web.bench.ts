/**
 * `npm run bench -- web [--runs 5] [--scale city]`: the web console's page weight and time to interactive.
 *
 * - Page weight from the build: the files index.html loads (entry script, style sheet, module preloads) and,
 *   separately, everything the console loads after sign-in (the lazy map chunk with MapLibre, its CSS and
 *   its worker), as raw, gzip (level 9) and brotli bytes — the server sends the precompressed variants.
 * - Measured in headless Chromium against a demo server (`npm start`'s path, fresh data folder), each run in a
 *   fresh browser context (cold cache): bytes actually transferred for static files and for API data, time
 *   from navigation to an interactive login form, and from pressing "sign in" to the city drawn on the map.
 * Target (issue 3): first load including the map library < 1.5 MB gzipped.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { WEB_OUT } from '../scripts/build-web.ts';
import { DEMO_PASSWORD } from '../src/demo/demo-accounts.ts';
import { launchChromium, waitForMap } from '../test/e2e/browser.ts';
import { startDemoServer } from '../test/e2e/live-server.ts';

interface Weight {
  files: number;
  raw: number;
  gzip: number;
  brotli: number;
}

function weigh(paths: string[]): Weight {
  const w: Weight = { files: 0, raw: 0, gzip: 0, brotli: 0 };
  for (const p of paths) {
    const data = readFileSync(p);
    w.files++;
    w.raw += data.length;
    w.gzip += gzipSync(data, { level: 9 }).length;
    w.brotli += brotliCompressSync(data).length;
  }
  return w;
}

/** Files index.html references (what the login page needs), and all other built JS/CSS (the console). */
function buildWeights(): { initial: Weight; console: Weight; consoleTotal: Weight } {
  const html = readFileSync(join(WEB_OUT, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+)"/g)].map((m) => join(WEB_OUT, m[1]!));
  const initial = [join(WEB_OUT, 'index.html'), ...refs];
  const assets = readdirSync(join(WEB_OUT, 'assets'))
    .filter((n) => /\.(m?js|css)$/.test(n))
    .map((n) => join(WEB_OUT, 'assets', n))
    .filter((p) => statSync(p).isFile());
  const rest = assets.filter((p) => !initial.includes(p));
  return { initial: weigh(initial), console: weigh(rest), consoleTotal: weigh([...initial, ...rest]) };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
};

export interface WebBenchOptions {
  runs?: number;
  scale?: 'small' | 'city' | 'province';
}

/** Runs the web benchmark and returns one flat result object. */
export async function benchWeb(opts: WebBenchOptions = {}): Promise<Record<string, unknown>> {
  const runs = opts.runs ?? 5;
  const server = await startDemoServer({ scale: opts.scale ?? 'city' });
  const weights = buildWeights();
  const browser = await launchChromium();
  const loginMs: number[] = [];
  const mapMs: number[] = [];
  const staticBytes: number[] = [];
  const apiBytes: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
      const page = await context.newPage();
      const transferred = { static: 0, api: 0 };
      page.on('requestfinished', (req) => {
        void req.sizes().then((s) => {
          const bytes = s.responseBodySize + s.responseHeadersSize;
          if (new URL(req.url()).pathname.startsWith('/api/')) transferred.api += bytes;
          else transferred.static += bytes;
        });
      });
      const t0 = performance.now();
      await page.goto(server.url, { waitUntil: 'load' });
      await page.locator('input[name=username]:not([disabled])').waitFor();
      loginMs.push(performance.now() - t0);
      await page.locator('input[name=username]').fill('dispatcher');
      await page.locator('input[name=password]').fill(DEMO_PASSWORD);
      const t1 = performance.now();
      await page.locator('button[type=submit]').click();
      await waitForMap(page);
      mapMs.push(performance.now() - t1);
      await page.waitForTimeout(200); // let the last requestfinished sizes resolve
      staticBytes.push(transferred.static);
      apiBytes.push(transferred.api);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const kib = (n: number) => Math.round(n / 1024);
  return {
    scale: opts.scale ?? 'city',
    runs,
    serverStartSeconds: Number(server.startSeconds.toFixed(1)),
    loginPageGzipKiB: kib(weights.initial.gzip),
    loginPageRawKiB: kib(weights.initial.raw),
    consoleFirstLoadGzipKiB: kib(weights.consoleTotal.gzip),
    consoleFirstLoadBrotliKiB: kib(weights.consoleTotal.brotli),
    consoleFirstLoadRawKiB: kib(weights.consoleTotal.raw),
    targetGzipKiB: 1536,
    withinTarget: weights.consoleTotal.gzip < 1.5 * 1024 * 1024,
    transferredStaticKiB: kib(median(staticBytes)),
    transferredApiKiB: kib(median(apiBytes)),
    loginInteractiveMsP50: Math.round(median(loginMs)),
    loginInteractiveMsMax: Math.round(Math.max(...loginMs)),
    signInToMapDrawnMsP50: Math.round(median(mapMs)),
    signInToMapDrawnMsMax: Math.round(Math.max(...mapMs)),
  };
}
