import { defineConfig } from 'vite';

// The upload chunk: loaded by the app only when the shopper picks a file, so it stays out of the
// app's size budget. One IIFE that sets window.kefuAttachments.
export default defineConfig({
  build: {
    outDir: 'dist/public/widget',
    emptyOutDir: false,
    target: 'es2019',
    lib: { entry: 'widget/app/attachments-upload.ts', formats: ['iife'], name: 'kefuAttachments', fileName: () => 'attachments.js' },
  },
});
