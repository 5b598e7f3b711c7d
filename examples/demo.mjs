// sluice demo: a producer that can emit far faster than its consumer, twice.
//
//   1. through sluice: create(..., { overflow: 'block' }) → map → forEach(slow async consumer)
//      The producer awaits `emitter.offer(event)`, so it is suspended whenever the bounded buffer is full.
//   2. through a naive unbounded push buffer (what an EventEmitter or an RxJS Subject feeding a slow async
//      handler amounts to): the producer never waits, the queue absorbs the difference, memory grows with input.
//
// Each run happens in its own child process so their heaps do not mix. While sluice runs, the demo prints each
// stage's queue depth and outstanding demand, read from a metrics registry (name + metrics operators): a live view
// redrawn in place on a terminal, one plain line per sample when piped. At the end it writes an SVG chart of each
// stage's depth over time (examples/out/demo-depth.svg) and prints the peak live heap of both runs.
//
//   pnpm demo                       1,000,000 events
//   DEMO_EVENTS=200000 pnpm demo    fewer events
import { fork } from 'node:child_process';
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
 * Samples the live heap (heapUsed right after a forced GC, so garbage does not count) periodically and on demand;
 * `peak` is the largest value seen. The children run with --expose-gc.
 */
function heapMeter(periodMs = 100) {
  let peak = 0;
  const sample = () => {
    globalThis.gc?.();
    const used = process.memoryUsage().heapUsed;
    if (used > peak) peak = used;
    return used;
  };
  const timer = periodMs > 0 ? setInterval(sample, periodMs) : null;
  return { sample, stop: () => timer && clearInterval(timer), get peak() { return sample(), peak; } };
}

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const bar = (value, max, width = 24) => {
  const filled = max > 0 ? Math.round((Math.min(value, max) / max) * width) : 0;
  return '█'.repeat(filled) + '·'.repeat(width - filled);
};

/** Writes a plain SVG line chart: one panel per stage, buffered (solid) and downstream demand (dashed) over time. */
function depthSvg(samples, stages, title) {
  const width = 880, panelHeight = 150, left = 70, right = 20, top = 40, gap = 40;
  const height = top + stages.length * (panelHeight + gap);
  const tMax = Math.max(1, ...samples.map((p) => p.t));
  const esc = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="monospace" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="22" font-size="14">${esc(title)}</text>`,
  ];
  stages.forEach((stage, i) => {
    const y0 = top + i * (panelHeight + gap);
    const points = samples.map((p) => ({ t: p.t, ...(p.stages[stage] ?? { buffered: 0, requested: 0, capacity: 0 }) }));
    const finite = (v) => (Number.isFinite(v) ? v : 0);
    const yMax = Math.max(1, ...points.map((p) => Math.max(p.capacity, p.buffered, finite(p.requested))));
    const x = (t) => left + ((width - left - right) * t) / tMax;
    const y = (v) => y0 + panelHeight - (panelHeight * Math.min(finite(v), yMax)) / yMax;
    const line = (field, style) =>
      `<polyline fill="none" ${style} points="${points.map((p) => `${x(p.t).toFixed(1)},${y(p[field]).toFixed(1)}`).join(' ')}"/>`;
    out.push(
      `<text x="${left}" y="${y0 - 8}">${esc(stage)}: buffered (solid), downstream demand outstanding (dashed)</text>`,
      `<rect x="${left}" y="${y0}" width="${width - left - right}" height="${panelHeight}" fill="none" stroke="#ccc"/>`,
      `<text x="${left - 6}" y="${y0 + 4}" text-anchor="end">${yMax}</text>`,
      `<text x="${left - 6}" y="${y0 + panelHeight}" text-anchor="end">0</text>`,
      `<text x="${width - right}" y="${y0 + panelHeight + 14}" text-anchor="end">${(tMax / 1000).toFixed(1)} s</text>`,
      line('buffered', 'stroke="#1f77b4" stroke-width="1.5"'),
      line('requested', 'stroke="#d62728" stroke-width="1" stroke-dasharray="4 3"'),
    );
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

async function runSluice(events) {
  const { create, map, name, metrics, createMetricsRegistry, forEach } = await import('@sluice/core');
  const meter = heapMeter();
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

  const started = Date.now();
  const samples = []; // { t, stages: { [stage]: { buffered, capacity, requested } } }, one per sample, for the SVG
  const tty = process.stdout.isTTY === true;
  let drawn = 0; // lines of the live view to redraw on a TTY
  // The forEach sink is not a registered stage: its backlog (items delivered to it, not yet consumed) is the
  // toSink stage's out count minus the consumer's own count, charted as a third panel.
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
    const status = `  t=${((now - started) / 1000).toFixed(2).padStart(6)} s ${String(consumed).padStart(8)} consumed, heap ${mib(meter.sample())}`;
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
  meter.stop();

  const { mkdirSync, writeFileSync } = await import('node:fs');
  const outDir = fileURLToPath(new URL('./out/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  const chart = `${outDir}demo-depth.svg`;
  const title = `sluice demo: ${events.toLocaleString('en')} events, queue depth per stage (sampled every 50 ms)`;
  writeFileSync(chart, depthSvg(samples, [...registry.snapshot().map((s) => s.stage), 'forEach backlog'], title));
  const final = Object.fromEntries(registry.snapshot().map((s) => [s.stage, s]));
  return { consumed, peak: meter.peak, ms: Date.now() - started, chart, samples: samples.length,
    maxBuffered: Math.max(...samples.map((p) => p.stages.events?.buffered ?? 0)), final };
}

async function runNaive(events) {
  // No periodic sampling here: a forced GC over a heap this size takes long. It is sampled while producing and
  // at the end of production, which is when the queue is longest.
  const meter = heapMeter(0);
  const queue = []; // unbounded: nothing ever tells the producer to wait
  let head = 0;
  let consumed = 0;
  const started = Date.now();
  // The producer pushes as fast as it can (all at once, like a socket or an emitter would).
  for (let i = 0; i < events; i++) {
    queue.push(makeEvent(i));
    if (i % 100_000 === 0) meter.sample();
  }
  const peakQueue = queue.length - head;
  meter.sample();
  while (head < queue.length) {
    const event = queue[head];
    queue[head++] = undefined;
    consumed++;
    await consumeSlowly({ ...event, size: event.payload.length });
  }
  meter.stop();
  return { consumed, peak: meter.peak, ms: Date.now() - started, peakQueue };
}

async function child(kind, events) {
  const result = kind === 'sluice' ? await runSluice(events) : await runNaive(events);
  process.send(result);
}

function runChild(kind, events) {
  return new Promise((resolve, reject) => {
    const proc = fork(fileURLToPath(import.meta.url), ['--child', kind, String(events)], {
      stdio: 'inherit',
      execArgv: ['--expose-gc'],
    });
    proc.once('message', resolve);
    proc.once('exit', (code) => (code === 0 ? null : reject(new Error(`${kind} run exited with ${code}`))));
  });
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], Number(process.argv[4]));
} else {
  console.log(`sluice demo: ${EVENTS.toLocaleString('en')} events, producer far faster than the consumer\n`);
  console.log(`1) sluice: create(capacity ${CAPACITY}, overflow 'block') → map → forEach(prefetch ${PREFETCH})`);
  const sluice = await runChild('sluice', EVENTS);
  console.log(`   done: ${sluice.consumed.toLocaleString('en')} events in ${sluice.ms} ms, peak live heap ${mib(sluice.peak)}`);
  console.log(`   stage 'events': in ${sluice.final.events.received}, out ${sluice.final.events.emitted}, ` +
    `dropped ${sluice.final.events.dropped}, deepest buffer sampled ${sluice.maxBuffered}/${CAPACITY}`);
  console.log(`   depth chart (${sluice.samples} samples): ${sluice.chart}\n`);
  console.log(`2) naive unbounded push buffer (${NAIVE_EVENTS.toLocaleString('en')} events)`);
  const naive = await runChild('naive', NAIVE_EVENTS);
  console.log(`   done: ${naive.consumed.toLocaleString('en')} events in ${naive.ms} ms, ` +
    `peak queue ${naive.peakQueue.toLocaleString('en')} events, peak live heap ${mib(naive.peak)}\n`);
  console.log('peak live heap (heapUsed after a forced GC)');
  const max = Math.max(sluice.peak, naive.peak);
  console.log(`  sluice  ${bar(sluice.peak, max, 40)} ${mib(sluice.peak)}  (bounded: ${CAPACITY} buffered + ${PREFETCH} prefetched at most)`);
  console.log(`  naive   ${bar(naive.peak, max, 40)} ${mib(naive.peak)}  (grows with the input)`);
}
