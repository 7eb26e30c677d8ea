// Gives a fresh clone a working local secret without asking the user to copy files by hand.
import { appendFileSync, copyFileSync, existsSync, readFileSync } from 'node:fs';

if (!existsSync('.dev.vars')) {
  copyFileSync('.dev.vars.example', '.dev.vars');
  console.log('Created .dev.vars from .dev.vars.example (local development secrets).');
} else if (!/^ALLOW_HTTP_WEBHOOKS=/m.test(readFileSync('.dev.vars', 'utf8'))) {
  // Older copies predate local webhook receivers (README "Webhooks").
  appendFileSync('.dev.vars', '\n# Webhook endpoints may be http:// and on this machine (a local receiver). Never in production.\nALLOW_HTTP_WEBHOOKS=true\n');
  console.log('Added ALLOW_HTTP_WEBHOOKS=true to .dev.vars (local webhook receivers).');
}
