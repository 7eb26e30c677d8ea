import { defineConfig } from 'vite';

// The returning shopper's tickets view: its own small script, loaded by the app only when needed.
export default defineConfig({
  build: {
    outDir: 'dist/public/widget',
    emptyOutDir: false,
    target: 'es2019',
    lib: { entry: 'widget/tickets/tickets.ts', formats: ['iife'], name: 'kefuTicketsChunk', fileName: () => 'tickets.js' },
  },
});
