// Builds the review UI (ui/) into dist/ui, which the admin server serves. No inline script or
// style ends up in the page (the server's CSP forbids both), and no module-preload polyfill.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  publicDir: fileURLToPath(new URL('./public', import.meta.url)),
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: true,
    sourcemap: false,
  },
  logLevel: 'warn',
});
