import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, webPlugin } from './web.ts';

let root: string;
let app: FastifyInstance;
let empty: FastifyInstance;
const script = 'console.log("jingwu");'.repeat(50);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'jingwu-webdist-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(
    join(root, 'index.html'),
    '<!doctype html><title>t</title><script type="module" src="/assets/app-1.js"></script>',
  );
  writeFileSync(join(root, 'assets', 'app-1.js'), script);
  writeFileSync(join(root, 'assets', 'app-1.js.gz'), gzipSync(script));
  app = Fastify();
  await app.register(webPlugin, { root });
  app.get('/api/thing', async () => ({ ok: true }));
  await app.ready();
  empty = Fastify();
  await empty.register(webPlugin, { root: join(root, 'missing') });
  await empty.ready();
});
afterAll(async () => {
  await app?.close();
  await empty?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('web plugin (serves dist/web)', () => {
  it('serves index.html with a same-origin content security policy and no caching', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('serves hashed assets cached for a year, precompressed when the client accepts gzip', async () => {
    const plain = await app.inject({ url: '/assets/app-1.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.body).toBe(script);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-security-policy']).toBeUndefined();
    expect(plain.headers['x-content-type-options']).toBe('nosniff');

    const gz = await app.inject({ url: '/assets/app-1.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.rawPayload.length).toBeLessThan(script.length);
  });

  it('answers 404 for files that are not there, and leaves API responses alone', async () => {
    expect((await app.inject({ url: '/assets/nope.js' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/../package.json' })).statusCode).toBe(404);
    const api = await app.inject({ url: '/api/thing' });
    expect(api.headers['content-security-policy']).toBeUndefined();
    expect(api.headers['x-content-type-options']).toBeUndefined();
  });

  it('without a build, serves a placeholder that says how to build the console', async () => {
    const res = await empty.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('npm run build:web');
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });
});
