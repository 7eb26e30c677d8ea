import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

/** Absolute path of a file next to this config, so the build works from any working directory. */
const here = (relative: string) => decodeURIComponent(new URL(relative, import.meta.url).pathname);

// The agent console: a normal Vite app, served by the Worker's static assets at /console/.
export default defineConfig({
  root: here('.'),
  base: '/console/',
  plugins: [preact()],
  build: {
    outDir: here('../dist/public/console'),
    emptyOutDir: true,
    target: 'es2022',
  },
});
