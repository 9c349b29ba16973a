/** Serves the web console at `/` (the Vite build in dist/web when present, else a small placeholder page). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';

const WEB_DIST = join(process.cwd(), 'dist', 'web');

const PLACEHOLDER = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>警务 Jingwu</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, 'Noto Sans CJK SC', sans-serif; margin: 3rem">
<h1>警务 Jingwu</h1>
<p>平台服务已启动。API 文档见 <a href="/api/docs">/api/docs</a>。</p>
<p>The platform is running. API documentation: <a href="/api/docs">/api/docs</a>.</p>
</body></html>`;

export const webPlugin = fp(
  async (app) => {
    if (existsSync(join(WEB_DIST, 'index.html'))) {
      await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false });
      return;
    }
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(PLACEHOLDER),
    );
  },
  { name: 'web' },
);
