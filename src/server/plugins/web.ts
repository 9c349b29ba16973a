/**
 * Serves the web console at `/`: the Vite build in dist/web when present (`npm start` builds it first, see
 * scripts/build-web.ts), else a small placeholder page.
 *
 * Hashed files under /assets/ are cached for a year (their names change with their content); index.html is
 * revalidated on every load so a new build is picked up at once. HTML answers carry a Content-Security-Policy
 * that allows only this origin: the console loads nothing from elsewhere (no map tiles, fonts or scripts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';

export const WEB_DIST = join(process.cwd(), 'dist', 'web');

/**
 * MapLibre runs its worker from a blob: URL and sets inline styles on markers and the canvas container;
 * everything else is 'self'.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const PLACEHOLDER = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>警务 Jingwu</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, 'Noto Sans CJK SC', sans-serif; margin: 3rem">
<h1>警务 Jingwu</h1>
<p>平台服务已启动，但网页控制台尚未构建：运行 <code>npm run build:web</code>。API 文档见 <a href="/api/docs">/api/docs</a>。</p>
<p>The platform is running but the web console is not built: run <code>npm run build:web</code>. API documentation: <a href="/api/docs">/api/docs</a>.</p>
</body></html>`;

export interface WebPluginOptions {
  /** Folder of the built console; defaults to dist/web under the working directory. */
  root?: string;
}

export const webPlugin = fp<WebPluginOptions>(
  async (app, opts) => {
    const root = opts.root ?? WEB_DIST;
    app.addHook('onSend', async (request, reply, payload) => {
      const type = reply.getHeader('content-type');
      if (typeof type === 'string' && type.startsWith('text/html')) {
        reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
        reply.header('x-frame-options', 'DENY');
        reply.header('referrer-policy', 'no-referrer');
      }
      if (!request.url.startsWith('/api/')) reply.header('x-content-type-options', 'nosniff');
      return payload;
    });
    if (existsSync(join(root, 'index.html'))) {
      await app.register(fastifyStatic, {
        root,
        prefix: '/',
        wildcard: false,
        // scripts/build-web.ts writes .br/.gz beside each asset; clients get the smallest they accept.
        preCompressed: true,
        setHeaders(reply, path) {
          reply.header(
            'cache-control',
            /[/\\]assets[/\\]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      });
      return;
    }
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(PLACEHOLDER),
    );
  },
  { name: 'web' },
);
