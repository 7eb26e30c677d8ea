// Unpacks the Chromium that ships inside the npm package @sparticuz/chromium, so the browser
// tests need nothing but `npm install`. The package unpacks itself only on AWS Lambda; here it
// goes to a project-local folder, once. The binary needs libnss3, libnspr4 and libexpat, which a
// plain Node machine lacks: they come from the package's al2023.tar.br and the tests put them on
// LD_LIBRARY_PATH (tests/support/chromium.ts). CHROMIUM_PATH set to a browser skips all this.
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import { extract } from 'tar-fs';

export const CHROMIUM_DIR = resolve('.cache/chromium');

async function unpack() {
  const bin = resolve('node_modules/@sparticuz/chromium/bin');
  const marker = join(CHROMIUM_DIR, '.complete');
  if (existsSync(marker)) return;
  // Unpack into a scratch folder and rename it into place, so a half-written browser is never used.
  const scratch = `${CHROMIUM_DIR}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  await pipeline(createReadStream(join(bin, 'chromium.br')), createBrotliDecompress(), createWriteStream(join(scratch, 'chromium'), { mode: 0o755 }));
  for (const archive of ['al2023', 'fonts', 'swiftshader']) {
    await pipeline(
      createReadStream(join(bin, `${archive}.tar.br`)),
      createBrotliDecompress(),
      extract(join(scratch, archive === 'swiftshader' ? '.' : archive)),
    );
  }
  writeFileSync(join(scratch, '.complete'), '');
  rmSync(CHROMIUM_DIR, { recursive: true, force: true });
  renameSync(scratch, CHROMIUM_DIR);
  console.log(`Unpacked Chromium from @sparticuz/chromium into ${CHROMIUM_DIR}`);
}

/**
 * The package's fonts.conf points at Lambda's folders; without a readable font configuration the
 * browser aborts at the first text it lays out. Written on every run, since the clone may move.
 */
function writeFontConfig() {
  const conf = `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>${join(CHROMIUM_DIR, 'fonts', 'fonts')}</dir>
  <dir>/usr/share/fonts</dir>
  <cachedir>${join(CHROMIUM_DIR, 'fonts-cache')}</cachedir>
</fontconfig>
`;
  writeFileSync(join(CHROMIUM_DIR, 'fonts', 'fonts.conf'), conf);
}

if (!process.env.CHROMIUM_PATH) {
  await unpack();
  writeFontConfig();
}
