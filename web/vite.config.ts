/** The console's build: React via plugin-react, output to dist/web where the hub serves it. */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // echarts and cytoscape are split out by their dynamic imports; each is large by nature.
    chunkSizeWarningLimit: 1200,
  },
});
