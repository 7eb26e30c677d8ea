import { defineConfig } from 'vite';

// The loader is a classic IIFE script: it must run from a plain <script async> tag.
export default defineConfig({
  build: {
    outDir: 'dist/public/widget',
    emptyOutDir: false,
    target: 'es2019',
    lib: { entry: 'widget/loader.ts', formats: ['iife'], name: 'kefuLoader', fileName: () => 'loader.js' },
  },
});
