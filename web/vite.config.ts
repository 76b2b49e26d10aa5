import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const COMPRESSIBLE = /\.(js|mjs|css|html|json|svg|txt)$/;

/**
 * Writes .br and .gz beside every text asset, so the server (@fastify/static preCompressed) sends
 * compressed files without compressing on each request.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'onepoint-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    writeBundle(_options, bundle) {
      const files = [...Object.keys(bundle), 'index.html', 'favicon.svg'];
      for (const name of new Set(files)) {
        const file = path.join(outDir, name);
        if (!COMPRESSIBLE.test(name) || !fs.existsSync(file)) continue;
        const raw = fs.readFileSync(file);
        if (raw.length < 1024) continue;
        fs.writeFileSync(`${file}.gz`, zlib.gzipSync(raw, { level: 9 }));
        fs.writeFileSync(
          `${file}.br`,
          zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
      }
    },
  };
}

// The API server for `npm run dev:web` (Vite's dev server proxies API calls to it).
const apiTarget = process.env.ONEPOINT_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    // No inline scripts or styles from Vite itself: the server's CSP is script-src 'self'.
    assetsInlineLimit: 0,
    rolldownOptions: {
      output: {
        // ECharts in a chunk of its own, loaded only by pages that draw a chart: the pages' own
        // chunks stay small, and its size no longer depends on which page imports it first.
        codeSplitting: {
          includeDependenciesRecursively: false,
          groups: [{ name: 'charts', test: /node_modules[\\/](echarts|zrender)[\\/]|src[\\/]charts[\\/]/ }],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': apiTarget,
      '/tmf-api': apiTarget,
      '/docs': apiTarget,
    },
  },
});
