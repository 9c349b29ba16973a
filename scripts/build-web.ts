/**
 * Builds the web console (Vite → dist/web) unless it is up to date.
 *
 * `npm start` runs this first (`prestart`) so `npm install && npm start` serves the console; a fingerprint of the
 * inputs (paths, sizes and modification times of src/web, src/contracts, vite.config.ts and package-lock.json)
 * stored in dist/web/.build-stamp makes the no-change case cost a few milliseconds.
 *
 *   tsx scripts/build-web.ts             build now
 *   tsx scripts/build-web.ts --if-stale  build only when an input changed
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const WEB_OUT = join(ROOT, 'dist', 'web');
const STAMP = join(WEB_OUT, '.build-stamp');
const INPUTS = ['src/web', 'src/contracts', 'vite.config.ts', 'package-lock.json'];

function walk(path: string, out: string[]): void {
  if (!existsSync(path)) return;
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) {
      // Tests are not part of the bundle.
      if (!name.endsWith('.test.ts')) walk(join(path, name), out);
    }
  } else out.push(`${relative(ROOT, path)}:${st.size}:${Math.floor(st.mtimeMs)}`);
}

/** A digest of everything the bundle is built from. */
export function webFingerprint(): string {
  const entries: string[] = [];
  for (const input of INPUTS) walk(join(ROOT, input), entries);
  return createHash('sha256').update(entries.join('\n')).digest('hex');
}

/** True when dist/web exists and was built from the current inputs. */
export function webIsFresh(): boolean {
  if (!existsSync(join(WEB_OUT, 'index.html')) || !existsSync(STAMP)) return false;
  return readFileSync(STAMP, 'utf8').trim() === webFingerprint();
}

/**
 * Writes .br and .gz next to every text asset, so the server sends compressed bytes without compressing on
 * each request (@fastify/static `preCompressed`).
 */
function precompress(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) precompress(path);
    else if (/\.(js|mjs|css|html|svg|json)$/.test(name)) {
      const data = readFileSync(path);
      writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
      writeFileSync(
        `${path}.br`,
        brotliCompressSync(data, {
          params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: data.length },
        }),
      );
    }
  }
}

/** Builds dist/web when stale (or always with `force`); returns whether it built and how long it took. */
export async function ensureWebBuilt(opts: { force?: boolean } = {}): Promise<{ built: boolean; ms: number }> {
  const started = performance.now();
  if (!opts.force && webIsFresh()) return { built: false, ms: performance.now() - started };
  const fingerprint = webFingerprint();
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
  precompress(WEB_OUT);
  writeFileSync(STAMP, `${fingerprint}\n`);
  return { built: true, ms: performance.now() - started };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ifStale = process.argv.includes('--if-stale');
  const { built, ms } = await ensureWebBuilt({ force: !ifStale });
  process.stdout.write(
    built ? `web console built in ${(ms / 1000).toFixed(1)} s → dist/web\n` : 'web console is up to date (dist/web)\n',
  );
}
