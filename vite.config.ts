/**
 * Vite build of the web console (src/web → dist/web). The server serves dist/web (src/server/plugins/web.ts);
 * `npm run dev:web` proxies /api to a running `npm start` for hot reload.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./src/web', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/web', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  // No React plugin needed: esbuild compiles TSX with the automatic runtime; we give up Fast Refresh only.
  esbuild: { jsx: 'automatic' },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // MapLibre alone is ~800 kB minified; it is loaded lazily after login, so the warning is noise.
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
  server: { proxy: { '/api': `http://127.0.0.1:${process.env.PORT ?? 8080}` } },
});
