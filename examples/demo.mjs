// sluice demo: a producer that can emit far faster than its consumer, twice.
//
//   1. through sluice: create(..., { overflow: 'block' }) → map → forEach(slow async consumer)
//      The producer awaits `emitter.offer(event)`, so it is suspended whenever the bounded buffer is full.
//   2. through a naive unbounded push buffer (what an EventEmitter or an RxJS Subject feeding a slow async
//      handler amounts to): the producer never waits, the queue absorbs the difference, memory grows with input.
//
// Each run happens in its own child process so their heaps do not mix. While sluice runs, the demo prints each
// stage's queue depth and outstanding demand, read from a metrics registry (name + metrics operators): a live view
// redrawn in place on a terminal, one plain line per sample when piped. Both runs sample their live heap over time.
// At the end it writes one SVG (examples/out/demo-depth.svg): the live heap of both runs on one chart (sluice flat,
// the naive queue climbing), and below it each queue's depth over time, then prints the peak live heap of both.
//
//   pnpm demo                       1,000,000 events
//   DEMO_EVENTS=200000 pnpm demo    fewer events
//   pnpm demo --inspect[=PORT]      also serve the live inspector page (@sluice/inspector) during the sluice run:
//                                   prints its URL, starts the run when a page connects (or after
//                                   DEMO_INSPECT_WAIT_MS, default 15000) and keeps the page up
//                                   DEMO_INSPECT_LINGER_MS (default 3000) after the run, then stops it.
//   DEMO_OUT=/some/dir              where the SVG goes (default examples/out/)
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const EVENTS = Number(process.env.DEMO_EVENTS ?? 1_000_000);
// The naive run is capped so it cannot exhaust memory on a small machine: its heap grows with every event.
const NAIVE_EVENTS = Math.min(EVENTS, Number(process.env.DEMO_NAIVE_EVENTS ?? 1_000_000));
const CAPACITY = 1024;
const PREFETCH = 64;

const makeEvent = (i) => ({ id: i, at: i * 7, payload: `event-${i}-${'x'.repeat(64)}` });
/** The slow consumer: it yields to the event loop once per event, like an I/O write would. */
const consumeSlowly = (event) =>
  new Promise((resolve) => setImmediate(() => resolve(event.payload.length)));

/**
 * Samples the live heap (heapUsed right after a forced GC, so garbage does not count) periodically and on demand,
 * into `series` ({ t: ms since `started`, heap: bytes }); `peak` is the largest value seen. A forced GC over a large
 * heap is slow, so the next timed sample waits at least four times as long as the last one took: sampling never
 * takes more than a fifth of the run. The children run with --expose-gc.
 */
function heapMeter(started, periodMs = 100) {
  let peak = 0;
  let timer = null;
  const series = [];
  const sample = () => {
    const from = performance.now();
    globalThis.gc?.();
    const used = process.memoryUsage().heapUsed;
    if (used > peak) peak = used;
    series.push({ t: Date.now() - started, heap: used });
    return performance.now() - from;
  };
  const tick = () => {
    const cost = sample();
    timer = setTimeout(tick, Math.max(periodMs, 4 * cost));
  };
  sample(); // the start of the series: t = 0
  if (periodMs > 0) timer = setTimeout(tick, periodMs);
  return { sample, series, stop: () => timer && clearTimeout(timer), get peak() { return sample(), peak; } };
}

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const bar = (value, max, width = 24) => {
  const filled = max > 0 ? Math.round((Math.min(value, max) / max) * width) : 0;
  return '█'.repeat(filled) + '·'.repeat(width - filled);
};

/**
 * The demo's picture, one SVG: on top the live heap of both runs over time on one chart (sluice flat, the naive
 * queue climbing), below it one lane per queue: its depth (solid) and, where there is one, the demand outstanding
 * (dashed) over the same time axis. Labels sit on fixed rows (title, legend, one caption row above each panel,
 * value labels in the left margin), so none can overlap another; examples/test/demo.test.ts checks that.
 *
 * `heap`: [{ name, color, series: [{ t, heap }] }]; `lanes`: [{ name, caption, series: [{ t, depth, demand? }], max }].
 */
export function demoSvg({ title, heap, lanes }) {
  const width = 960, left = 96, right = 24, plot = width - left - right;
  const heapTop = 76, heapHeight = 220, laneHeight = 70, laneGap = 44;
  const lanesTop = heapTop + heapHeight + 40 + laneGap;
  const height = lanesTop + lanes.length * (laneHeight + laneGap) - laneGap + 36;
  const esc = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const finite = (v) => (Number.isFinite(v) ? v : 0);
  const tMax = Math.max(1, ...heap.flatMap((h) => h.series.map((p) => p.t)), ...lanes.flatMap((l) => l.series.map((p) => p.t)));
  const x = (t) => (left + (plot * t) / tMax).toFixed(1);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="24" font-size="14">${esc(title)}</text>`,
  ];
  const ticks = (y0, h) => {
    const step = tMax > 8000 ? 2000 : tMax > 3000 ? 1000 : 500;
    for (let t = 0; t <= tMax; t += step) {
      out.push(`<line x1="${x(t)}" y1="${y0 + h}" x2="${x(t)}" y2="${y0 + h + 4}" stroke="#999"/>`);
    }
    out.push(`<text x="${left}" y="${y0 + h + 16}">0 s</text>`,
      `<text x="${width - right}" y="${y0 + h + 16}" text-anchor="end">${(tMax / 1000).toFixed(1)} s</text>`);
  };

  // The heap chart: both runs, one y axis in MiB.
  const heapMax = Math.max(1, ...heap.flatMap((h) => h.series.map((p) => p.heap)));
  const yHeap = (v) => (heapTop + heapHeight - (heapHeight * v) / heapMax).toFixed(1);
  heap.forEach((h, i) => {
    const peak = Math.max(0, ...h.series.map((p) => p.heap));
    const lx = left + i * 400;
    out.push(`<rect x="${lx}" y="40" width="12" height="12" fill="${h.color}"/>`,
      `<text x="${lx + 18}" y="50">${esc(`${h.name}: peak ${mib(peak)}`)}</text>`);
  });
  out.push(`<text x="${left}" y="${heapTop - 8}">live heap (heapUsed after a forced GC), time since each run started</text>`,
    `<rect x="${left}" y="${heapTop}" width="${plot}" height="${heapHeight}" fill="none" stroke="#ccc"/>`,
    `<text x="${left - 6}" y="${heapTop + 10}" text-anchor="end">${esc(mib(heapMax))}</text>`,
    `<text x="${left - 6}" y="${heapTop + heapHeight}" text-anchor="end">0</text>`);
  for (const h of heap) {
    const points = h.series.map((p) => `${x(p.t)},${yHeap(p.heap)}`).join(' ');
    out.push(`<polyline fill="none" stroke="${h.color}" stroke-width="2" points="${points}"/>`);
  }
  ticks(heapTop, heapHeight);

  // One depth lane per queue, on the same time axis.
  lanes.forEach((lane, i) => {
    const y0 = lanesTop + i * (laneHeight + laneGap);
    const yMax = Math.max(1, lane.max ?? 0, ...lane.series.map((p) => Math.max(p.depth, finite(p.demand ?? 0))));
    const y = (v) => (y0 + laneHeight - (laneHeight * Math.min(finite(v), yMax)) / yMax).toFixed(1);
    out.push(`<text x="${left}" y="${y0 - 8}">${esc(`${lane.name}: ${lane.caption}`)}</text>`,
      `<rect x="${left}" y="${y0}" width="${plot}" height="${laneHeight}" fill="none" stroke="#ccc"/>`,
      `<text x="${left - 6}" y="${y0 + 10}" text-anchor="end">${esc(yMax.toLocaleString('en'))}</text>`,
      `<text x="${left - 6}" y="${y0 + laneHeight}" text-anchor="end">0</text>`,
      `<polyline fill="none" stroke="${lane.color ?? '#1f77b4'}" stroke-width="1.5" points="${lane.series.map((p) => `${x(p.t)},${y(p.depth)}`).join(' ')}"/>`);
    if (lane.series.some((p) => p.demand !== undefined)) {
      out.push(`<polyline fill="none" stroke="#d62728" stroke-width="1" stroke-dasharray="4 3" points="${lane.series.map((p) => `${x(p.t)},${y(p.demand ?? 0)}`).join(' ')}"/>`);
    }
  });
  ticks(lanesTop + (lanes.length - 1) * (laneHeight + laneGap), laneHeight);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

async function waitForPage(inspector, ms) {
  const until = Date.now() + ms;
  while (inspector.clients === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
}

async function runSluice(events, inspect) {
  const { create, map, name, metrics, createMetricsRegistry, forEach } = await import('@sluice/core');
  const registry = createMetricsRegistry();
  let consumed = 0;

  // name('events') labels the create stage (its bounded buffer), name('toSink') the map stage (no buffer: the name
  // stage counts the demand and items passing to forEach). metrics(registry) attaches both; the create stage does
  // no extra work per item, and no snapshot is computed until the sampler asks.
  const flow = create(async (emitter) => {
    for (let i = 0; i < events && !emitter.isCancelled; i++) await emitter.offer(makeEvent(i));
    emitter.complete();
  }, { capacity: CAPACITY, overflow: 'block', name: 'events' }).pipe(
    name('events'),
    map((event) => ({ ...event, size: event.payload.length })),
    name('toSink'),
    metrics(registry),
  );

  let inspector = null;
  if (inspect !== null) {
    // The live page: the registry's stages over Server-Sent Events, on loopback.
    const { serveInspector } = await import('@sluice/inspector');
    inspector = await serveInspector(registry, { port: inspect, periodMs: 250, historyMs: 30_000 });
    const wait = Number(process.env.DEMO_INSPECT_WAIT_MS ?? 15_000);
    console.log(`   inspector: ${inspector.url}  (live during this run; it starts when a page connects, or in ${wait / 1000} s)`);
    await waitForPage(inspector, wait);
  }

  const started = Date.now();
  const meter = heapMeter(started);
  const samples = []; // { t, stages: { [stage]: { buffered, capacity, requested } } }, one per sample, for the SVG
  const tty = process.stdout.isTTY === true;
  let drawn = 0; // lines of the live view to redraw on a TTY
  // The forEach sink is not a registered stage: its backlog (items delivered to it, not yet consumed) is the
  // toSink stage's out count minus the consumer's own count, charted as a lane of its own.
  const backlog = (stages) => (stages.find((s) => s.stage === 'toSink')?.emitted ?? consumed) - consumed;
  const record = (stages, now) => {
    const point = { t: now - started, stages: {} };
    for (const s of stages) point.stages[s.stage] = { buffered: s.buffered, capacity: s.capacity, requested: s.requested };
    point.stages['forEach backlog'] = { buffered: backlog(stages), capacity: PREFETCH, requested: 0 };
    samples.push(point);
  };
  const describe = (s) =>
    s.capacity > 0
      ? `${s.stage}${tty ? ` ${bar(s.buffered, s.capacity)}` : ''} ${String(s.buffered).padStart(4)}/${s.capacity} buffered, ` +
        `demand ${String(s.requested).padStart(3)}${tty ? `, in ${s.received}, out ${s.emitted}` : ''}`
      : `${s.stage} demand ${String(s.requested).padStart(3)}${tty ? `, out ${s.emitted} (no buffer)` : ''}`;
  const describeBacklog = (stages) => {
    const b = backlog(stages);
    return `forEach${tty ? ` ${bar(b, PREFETCH)}` : ''} ${String(b).padStart(3)}/${PREFETCH} delivered, not yet consumed`;
  };
  const stopRecording = registry.every(50, record); // for the chart
  const stopView = registry.every(250, (stages, now) => {
    const status = `  t=${((now - started) / 1000).toFixed(2).padStart(6)} s ${String(consumed).padStart(8)} consumed, heap ${mib(meter.series.at(-1)?.heap ?? 0)}`;
    if (tty) {
      // Live view: redraw the same block of lines in place.
      const lines = [status, ...stages.map((s) => `    ${describe(s)}`), `    ${describeBacklog(stages)}`];
      process.stdout.write((drawn > 0 ? `\x1b[${drawn}A` : '') + lines.map((l) => `\x1b[2K${l}\n`).join(''));
      drawn = lines.length;
    } else {
      // Piped: one plain line per sample.
      process.stdout.write(`${status} | ${stages.map(describe).join(' | ')} | ${describeBacklog(stages)}\n`);
    }
  });

  await forEach(flow, async (event) => {
    consumed++;
    await consumeSlowly(event);
  }, { prefetch: PREFETCH });
  stopRecording();
  stopView();
  record(registry.snapshot(), Date.now()); // the end: both stages completed, nothing buffered
  const peak = meter.peak;
  meter.stop();
  const ms = Date.now() - started;
  if (inspector !== null) {
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.DEMO_INSPECT_LINGER_MS ?? 3000)));
    await inspector.stop(); // releases the server, its streams and its sampler: the child can exit
  }
  const final = Object.fromEntries(registry.snapshot().map((s) => [s.stage, s]));
  return { consumed, peak, ms, samples, heap: meter.series,
    maxBuffered: Math.max(...samples.map((p) => p.stages.events?.buffered ?? 0)), final };
}

async function runNaive(events) {
  // A forced GC over a heap this size takes long, so the heap is sampled every 250 ms while the queue drains, and
  // every 100,000 events while producing (the producer never yields, so no timer could fire then).
  const started = Date.now();
  const meter = heapMeter(started, 250);
  const queue = []; // unbounded: nothing ever tells the producer to wait
  const depth = []; // { t, depth } for the SVG lane
  let head = 0;
  let consumed = 0;
  depth.push({ t: 0, depth: 0 });
  // The producer pushes as fast as it can (all at once, like a socket or an emitter would).
  for (let i = 0; i < events; i++) {
    queue.push(makeEvent(i));
    if (i % 100_000 === 99_999) {
      meter.sample();
      depth.push({ t: Date.now() - started, depth: queue.length - head });
    }
  }
  const peakQueue = queue.length - head;
  meter.sample();
  depth.push({ t: Date.now() - started, depth: peakQueue });
  let lastDepthAt = Date.now();
  while (head < queue.length) {
    const event = queue[head];
    queue[head++] = undefined;
    consumed++;
    await consumeSlowly({ ...event, size: event.payload.length });
    if (Date.now() - lastDepthAt >= 50) {
      lastDepthAt = Date.now();
      depth.push({ t: lastDepthAt - started, depth: queue.length - head });
    }
  }
  queue.length = 0;
  meter.sample();
  depth.push({ t: Date.now() - started, depth: 0 });
  meter.stop();
  return { consumed, peak: meter.peak, ms: Date.now() - started, peakQueue, heap: meter.series, depth };
}

async function child(kind, events, inspect) {
  const result = kind === 'sluice' ? await runSluice(events, inspect) : await runNaive(events);
  process.send(result);
}

function runChild(kind, events, inspect = null) {
  return new Promise((resolve, reject) => {
    const proc = fork(fileURLToPath(import.meta.url), ['--child', kind, String(events), String(inspect)], {
      stdio: 'inherit',
      execArgv: ['--expose-gc'],
    });
    proc.once('message', resolve);
    proc.once('exit', (code) => (code === 0 ? null : reject(new Error(`${kind} run exited with ${code}`))));
  });
}

/** `--inspect` → port 0 (any free port), `--inspect=9464` → that port, absent → null. */
function inspectPort(argv) {
  const flag = argv.find((a) => a === '--inspect' || a.startsWith('--inspect='));
  if (flag === undefined) return null;
  const port = flag === '--inspect' ? 0 : Number(flag.slice('--inspect='.length));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`--inspect: not a port: ${flag}`);
  return port;
}

// Run only as a program (`node examples/demo.mjs`, or forked as a child): importing it (the tests import demoSvg) runs
// nothing.
const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain && process.argv[2] === '--child') {
  await child(process.argv[3], Number(process.argv[4]), process.argv[5] === 'null' ? null : Number(process.argv[5]));
} else if (isMain) {
  const inspect = inspectPort(process.argv.slice(2));
  console.log(`sluice demo: ${EVENTS.toLocaleString('en')} events, producer far faster than the consumer\n`);
  console.log(`1) sluice: create(capacity ${CAPACITY}, overflow 'block') → map → forEach(prefetch ${PREFETCH})`);
  const sluice = await runChild('sluice', EVENTS, inspect);
  console.log(`   done: ${sluice.consumed.toLocaleString('en')} events in ${sluice.ms} ms, peak live heap ${mib(sluice.peak)}`);
  console.log(`   stage 'events': in ${sluice.final.events.received}, out ${sluice.final.events.emitted}, ` +
    `dropped ${sluice.final.events.dropped}, deepest buffer sampled ${sluice.maxBuffered}/${CAPACITY}\n`);
  console.log(`2) naive unbounded push buffer (${NAIVE_EVENTS.toLocaleString('en')} events)`);
  const naive = await runChild('naive', NAIVE_EVENTS);
  console.log(`   done: ${naive.consumed.toLocaleString('en')} events in ${naive.ms} ms, ` +
    `peak queue ${naive.peakQueue.toLocaleString('en')} events, peak live heap ${mib(naive.peak)}\n`);

  const outDir = process.env.DEMO_OUT ?? fileURLToPath(new URL('./out/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  const chart = `${outDir.replace(/\/?$/, '/')}demo-depth.svg`;
  const lane = (stage) => sluice.samples.map((p) => ({ t: p.t, depth: p.stages[stage]?.buffered ?? 0, demand: p.stages[stage]?.requested ?? 0 }));
  writeFileSync(chart, demoSvg({
    title: `sluice demo: ${EVENTS.toLocaleString('en')} events, the same slow consumer, bounded vs unbounded`,
    heap: [
      { name: 'sluice (bounded buffer)', color: '#1f77b4', series: sluice.heap },
      { name: 'naive unbounded queue', color: '#d62728', series: naive.heap },
    ],
    lanes: [
      { name: 'sluice events', caption: `create buffer depth (solid) of ${CAPACITY}, demand outstanding (dashed)`, series: lane('events'), max: CAPACITY },
      { name: 'sluice toSink', caption: 'map → forEach: no buffer; demand outstanding (dashed)', series: lane('toSink') },
      { name: 'sluice forEach', caption: `delivered, not yet consumed, of prefetch ${PREFETCH}`,
        series: sluice.samples.map((p) => ({ t: p.t, depth: p.stages['forEach backlog']?.buffered ?? 0 })), max: PREFETCH },
      { name: 'naive queue', caption: 'events waiting in the unbounded queue', series: naive.depth, color: '#d62728' },
    ],
  }));
  console.log(`chart (live heap of both runs, then each queue's depth): ${chart}\n`);
  console.log('peak live heap (heapUsed after a forced GC)');
  const max = Math.max(sluice.peak, naive.peak);
  console.log(`  sluice  ${bar(sluice.peak, max, 40)} ${mib(sluice.peak)}  (bounded: ${CAPACITY} buffered + ${PREFETCH} prefetched at most)`);
  console.log(`  naive   ${bar(naive.peak, max, 40)} ${mib(naive.peak)}  (grows with the input)`);
}
