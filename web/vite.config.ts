import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The console builds into the server's dist/, beside the compiled TypeScript; the Fastify
// process serves it (src/server/routes/console.ts). JSX goes through esbuild alone: no Babel.
const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  publicDir: false,
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 200,
  },
  server: {
    // `vite web` during development: the API stays on the Fastify process.
    proxy: { '/api': 'http://127.0.0.1:8080', '/health': 'http://127.0.0.1:8080' },
  },
});
