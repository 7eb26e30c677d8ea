// Puts the demo shop pages and the static headers file next to the built widget and console,
// in dist/public, which wrangler serves as static assets.
import { cpSync, mkdirSync } from 'node:fs';

mkdirSync('dist/public', { recursive: true });
cpSync('demo-shop', 'dist/public', { recursive: true });
cpSync('static/_headers', 'dist/public/_headers');
