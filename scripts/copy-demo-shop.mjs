// Puts the demo shop pages next to the built widget, where wrangler serves static assets.
import { cpSync, mkdirSync } from 'node:fs';

mkdirSync('dist/public', { recursive: true });
cpSync('demo-shop', 'dist/public', { recursive: true });
