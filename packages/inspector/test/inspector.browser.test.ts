import {
  create, createMetricsRegistry, map, merge, name, share, type CreateEmitter, type MetricsRegistry, type StageMetrics,
} from '@sluice/core';
import { TestSubscriber, VirtualTimeScheduler } from '@sluice/core/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serveInspector, type Inspector, type InspectorOptions } from '@sluice/inspector';
import { launchChromium, watchPage } from './support/chromium';

// The page in a real headless Chromium (Debian's, by executable path): stages and numbers against the registry,
// the page following depth up and down, and no console error, page error or outside request at any point.

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

let open: { inspector: Inspector; page: Page; problems: string[] } | null = null;
afterEach(async () => {
  if (open === null) return;
  const { inspector, page, problems } = open;
  open = null;
  await page.close();
  await inspector.stop();
  expect(problems).toEqual([]);
});

async function view(registry: MetricsRegistry, options: InspectorOptions = {}): Promise<Page> {
  const inspector = await serveInspector(registry, { periodMs: 100, historyMs: 3000, ...options });
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  const problems = watchPage(page, inspector.url.replace(/\/$/, ''));
  open = { inspector, page, problems };
  await page.goto(inspector.url);
  await page.waitForSelector('#status.live');
  return page;
}

const card = (stage: string): string => `section.card[data-stage="${stage}"]`;

/** The numbers a card shows for a stage, read from its cells' data-value. */
async function shown(page: Page, stage: string): Promise<Record<string, string>> {
  return page.$$eval(`${card(stage)} td[data-field]`, (cells) =>
    Object.fromEntries(cells.map((cell) => [(cell as HTMLElement).dataset.field!, (cell as HTMLElement).dataset.value!])),
  );
}

/** What the card must show for the registry's stage now (rates aside: they depend on when the frame was taken). */
function expected(s: StageMetrics): Record<string, string> {
  return {
    buffered: String(s.buffered), deepest: String(s.deepest), fillRatio: String(s.fillRatio),
    requested: String(s.requested), upstreamRequested: String(s.upstreamRequested), received: String(s.received),
    emitted: String(s.emitted), dropped: String(s.dropped), subscriptions: String(s.subscriptions),
    ended: `${s.completed}/${s.cancelled}/${s.errors}`,
  };
}

async function expectPageMatchesRegistry(page: Page, registry: MetricsRegistry): Promise<void> {
  await expect
    .poll(async () => {
      const result: Record<string, Record<string, string>> = {};
      for (const s of registry.snapshot()) {
        const { inRate: _in, outRate: _out, dropRate: _drop, ...numbers } = await shown(page, s.stage);
        result[s.stage] = numbers;
      }
      return result;
    }, { timeout: 10_000, interval: 50 })
    .toEqual(Object.fromEntries(registry.snapshot().map((s) => [s.stage, expected(s)])));
}

describe('inspector page in Chromium', () => {
  it('lays the stages out in flow order with fan-in and fan-out, showing the registry numbers', async () => {
    const registry = createMetricsRegistry();
    let orders!: CreateEmitter<number>;
    let refunds!: CreateEmitter<number>;
    const merged = merge(
      create<number>((e) => void (orders = e), { capacity: 20 }).pipe(name('orders', { registry })),
      create<number>((e) => void (refunds = e), { capacity: 20 }).pipe(name('refunds', { registry })),
    ).pipe(name('merged', { registry, after: ['orders', 'refunds'] }));
    const hub = share<number>({ prefetch: 8 })(merged);
    const audit = new TestSubscriber<number>(5);
    const store = new TestSubscriber<number>(0);
    hub.pipe(name('hub', { registry, after: 'merged' }), map((x: number) => x), name('audit', { registry, after: 'hub' })).subscribe(audit);
    hub.pipe(name('hub', { registry, after: 'merged' }), map((x: number) => x), name('store', { registry, after: 'hub' })).subscribe(store);
    for (let i = 0; i < 5; i++) orders.next(i);
    for (let i = 0; i < 3; i++) refunds.next(100 + i);

    const page = await view(registry);
    await expectPageMatchesRegistry(page, registry);
    const columns = await page.$$eval('#flow .column', (cols) =>
      cols.map((col) => Array.from(col.querySelectorAll("section.card")).map((c) => (c as HTMLElement).dataset.stage)),
    );
    expect(columns).toEqual([['orders', 'refunds'], ['merged'], ['hub'], ['audit', 'store']]);
    expect(await page.textContent(`${card('merged')} .fan-in`)).toBe('fan-in 2');
    expect(await page.textContent(`${card('hub')} .fan-out`)).toBe('fan-out 2');
    const edges = await page.$$eval('#edges path', (paths) => paths.map((p) => `${(p as SVGElement).dataset.from}>${(p as SVGElement).dataset.to}`).sort());
    expect(edges).toEqual(['hub>audit', 'hub>store', 'merged>hub', 'orders>merged', 'refunds>merged']);
    expect(await page.textContent('#count')).toBe('6');

    // More traffic: the page follows the counters and demand.
    store.request(3);
    for (let i = 0; i < 4; i++) orders.next(10 + i);
    await expectPageMatchesRegistry(page, registry);
  });

  it('follows one buffer up to its bound and down again, with the highlight and the sparkline', async () => {
    const registry = createMetricsRegistry();
    let emitter!: CreateEmitter<number>;
    const sink = new TestSubscriber<number>(0);
    create<number>((e) => void (emitter = e), { capacity: 20 }).pipe(name('queue', { registry })).subscribe(sink);
    const page = await view(registry);
    const state = () =>
      page.$eval(card('queue'), (c) => ({
        buffered: (c.querySelector('[data-field="buffered"]') as HTMLElement).dataset.value,
        capacity: (c.querySelector('[data-field="buffered"]') as HTMLElement).dataset.capacity,
        level: c.classList.contains('full') ? 'full' : c.classList.contains('near') ? 'near' : 'ok',
        bar: (c.querySelector('.depth div') as HTMLElement).style.width,
        spark: (c.querySelector('svg.spark') as SVGElement).dataset.last,
      }));
    await expect.poll(state).toEqual({ buffered: '0', capacity: '20', level: 'ok', bar: '0%', spark: '0' });

    for (let i = 0; i < 17; i++) emitter.next(i);
    await expect.poll(state, { timeout: 10_000 }).toEqual({ buffered: '17', capacity: '20', level: 'near', bar: '85%', spark: '17' });
    for (let i = 0; i < 3; i++) emitter.next(i);
    await expect.poll(state, { timeout: 10_000 }).toEqual({ buffered: '20', capacity: '20', level: 'full', bar: '100%', spark: '20' });
    sink.request(15);
    await expect.poll(state, { timeout: 10_000 }).toEqual({ buffered: '5', capacity: '20', level: 'ok', bar: '25%', spark: '5' });
    await expectPageMatchesRegistry(page, registry);
    // The sparkline holds the history: it went up to 20 and came down to 5.
    const points = await page.$eval(`${card('queue')} svg.spark polyline`, (p) =>
      p.getAttribute('points')!.split(' ').map((xy) => Number(xy.split(',')[1])));
    expect(Math.min(...points)).toBe(5); // y = 5 is the top: the samples at the bound
    expect(Math.max(...points)).toBe(95); // y = 95 the bottom: the empty buffer before
    expect(points.at(-1)).toBe(72.5); // 5 of 20
  });

  it('shows the in, out and dropped rates of the last period, and zero once the traffic stops (virtual clock)', async () => {
    const clock = new VirtualTimeScheduler();
    const registry = createMetricsRegistry();
    let emitter!: CreateEmitter<number>;
    const sink = new TestSubscriber<number>(0);
    create<number>((e) => void (emitter = e), { capacity: 4, overflow: 'drop-newest' }).pipe(name('rates', { registry })).subscribe(sink);
    const page = await view(registry, { scheduler: clock, periodMs: 100 });
    const rates = async () => {
      const { inRate, outRate, dropRate } = await shown(page, 'rates');
      return { inRate, outRate, dropRate };
    };
    await expect.poll(rates).toEqual({ inRate: '0', outRate: '0', dropRate: '0' });
    for (let i = 0; i < 6; i++) emitter.next(i); // 6 in: 4 buffered, 2 dropped (drop-newest)
    sink.request(3); // 3 out
    clock.advanceBy(100); // one period of 100 ms: per second, ten times the counts
    await expect.poll(rates, { timeout: 10_000 }).toEqual({ inRate: '60', outRate: '30', dropRate: '20' });
    await expectPageMatchesRegistry(page, registry);
    clock.advanceBy(100); // a period without traffic
    await expect.poll(rates, { timeout: 10_000 }).toEqual({ inRate: '0', outRate: '0', dropRate: '0' });
  });

  it('drops a stage the registry released and shows the retained total instead', async () => {
    const registry = createMetricsRegistry({ ended: 'fold' });
    const sink = new TestSubscriber<number>(0);
    create<number>(() => {}, { capacity: 4 }).pipe(name('client-1', { registry })).subscribe(sink);
    const page = await view(registry);
    await page.waitForSelector(card('client-1'));
    sink.cancel();
    await page.waitForSelector(card('client-1'), { state: 'detached' });
    await page.waitForSelector(`#totals ${card('(ended)')}`);
    await expectPageMatchesRegistry(page, registry);
    expect(await page.textContent(`${card('(ended)')} .tags`)).toBe('total');
  });
});

describe('the page watch', () => {
  it('catches a console error, a page error and a request to another origin', async () => {
    const page = await browser.newPage();
    try {
      const problems = watchPage(page, 'http://127.0.0.1:1');
      await page.route('http://127.0.0.1:9/**', (route) => route.abort()); // another origin (port 9) on loopback: seen by the watch, aborted before it is sent
      await page.setContent('<img src="http://127.0.0.1:9/x.png"><script>console.error("boom"); throw new Error("thrown")</script>');
      await expect.poll(() => problems.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
      expect(problems).toEqual(expect.arrayContaining([
        'console error: boom', 'page error: thrown', 'request outside the inspector: http://127.0.0.1:9/x.png',
      ]));
    } finally {
      await page.close();
    }
  });
});

describe('without Chromium', () => {
  it('fails with one line saying what to install', async () => {
    await expect(launchChromium('/nonexistent/chromium')).rejects.toThrow(/^install chromium \(apt-get install -y chromium\)$/);
  });
});
