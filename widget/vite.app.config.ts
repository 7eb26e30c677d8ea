import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// The chat app, one IIFE file that the loader injects; its CSS is inlined into the Shadow DOM.
export default defineConfig({
  plugins: [preact()],
  build: {
    outDir: 'dist/public/widget',
    emptyOutDir: false,
    target: 'es2019',
    lib: { entry: 'widget/app/main.tsx', formats: ['iife'], name: 'kefuApp', fileName: () => 'app.js' },
  },
});
