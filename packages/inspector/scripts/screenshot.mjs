// Takes the README's screenshot of the inspector during the demo: runs `examples/demo.mjs --inspect`, opens the
// printed URL in Debian's Chromium (playwright-core by executable path), waits until the page has followed the run
// for a while, and writes docs/screenshot.png.
//
//   pnpm --filter @sluice/inspector build && node packages/inspector/scripts/screenshot.mjs [out.png]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.SLUICE_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.error('install chromium (apt-get install -y chromium)');
  process.exit(1);
}
const out = process.argv[2] ?? fileURLToPath(new URL('../docs/screenshot.png', import.meta.url));
const demoPath = fileURLToPath(new URL('../../../examples/demo.mjs', import.meta.url));

const demo = spawn(process.execPath, [demoPath, '--inspect'], {
  env: { DEMO_EVENTS: '1000000', DEMO_INSPECT_WAIT_MS: '30000', DEMO_INSPECT_LINGER_MS: '1000', ...process.env },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const exited = new Promise((resolve) => demo.on('exit', resolve));
let stdout = '';
const url = await new Promise((resolve, reject) => {
  demo.stdout.setEncoding('utf8').on('data', (chunk) => {
    stdout += chunk;
    const m = /inspector: (http:\/\/\S+\/)/.exec(stdout);
    if (m) resolve(m[1]);
  });
  demo.on('exit', () => reject(new Error(`the demo exited before printing its inspector URL:\n${stdout}`)));
});

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 560 }, deviceScaleFactor: 1 });
  await page.goto(url);
  await page.waitForSelector('section.card[data-stage="events"]', { timeout: 30_000 });
  // About four seconds into the run (frames every 250 ms): the sparklines have a history, the buffer is at its bound.
  await page.waitForFunction(() => Number(document.body.dataset.frames ?? 0) >= 17, undefined, { timeout: 30_000 });
  await page.screenshot({ path: out, fullPage: true });
  console.log(`screenshot: ${out}`);
} finally {
  await browser.close();
}
console.log(`demo exited with ${await exited}`);
