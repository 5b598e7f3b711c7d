// Takes the README's second screenshot: a pipeline with fan-in and fan-out, live. Two timer-driven sources (orders,
// refunds) merge into one buffer that drops its oldest items when full, which a share() hands to a fast and a slow
// consumer; the page is opened in Debian's Chromium after a few seconds and saved as docs/fan-in-fan-out.png.
//
//   pnpm --filter @sluice/core --filter @sluice/inspector build && node packages/inspector/scripts/screenshot-fan.mjs
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { create, createMetricsRegistry, map, merge, name, onBackpressureBuffer, share } from '@sluice/core';
import { serveInspector } from '../dist/index.js';

const CHROMIUM = process.env.SLUICE_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.error('install chromium (apt-get install -y chromium)');
  process.exit(1);
}
const out = process.argv[2] ?? fileURLToPath(new URL('../docs/fan-in-fan-out.png', import.meta.url));
const registry = createMetricsRegistry();
const timers = [];

/** A source that offers `perTick` items every 10 ms into a create buffer of 64 that drops the newest when full. */
const source = (stage, perTick) =>
  create((emitter) => {
    let i = 0;
    timers.push(setInterval(() => { for (let k = 0; k < perTick; k++) emitter.next({ stage, i: i++ }); }, 10));
  }, { capacity: 64, overflow: 'drop-newest' }).pipe(name(stage, { registry }));

const hub = share({ prefetch: 32 })(
  merge(source('orders', 6), source('refunds', 2)).pipe(
    name('merged', { registry, after: ['orders', 'refunds'] }),
    onBackpressureBuffer({ capacity: 512, overflow: 'drop-oldest' }),
    name('buffer', { registry, after: 'merged' }),
  ),
);

/** A consumer that takes `perTick` items every 10 ms. */
const consumer = (stage, perTick) => {
  let subscription = null;
  hub.pipe(name('fan-out', { registry, after: 'buffer' }), map((x) => x), name(stage, { registry, after: 'fan-out' })).subscribe({
    onSubscribe(s) {
      subscription = s;
      timers.push(setInterval(() => subscription.request(perTick), 10));
    },
    onNext() {},
    onError(error) { console.error(error); },
    onComplete() {},
  });
};
consumer('audit', 10);
consumer('store', 7);

const inspector = await serveInspector(registry, { periodMs: 250, historyMs: 30_000 });
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1950, height: 600 }, deviceScaleFactor: 1 });
  await page.goto(inspector.url);
  await page.waitForFunction(() => Number(document.body.dataset.frames ?? 0) >= 24, undefined, { timeout: 30_000 });
  await page.screenshot({ path: out, fullPage: true });
  console.log(`screenshot: ${out}`);
} finally {
  await browser.close();
  for (const timer of timers) clearInterval(timer);
  await inspector.stop();
}
