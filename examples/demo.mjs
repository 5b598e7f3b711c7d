// sluice demo: a producer that can emit far faster than its consumer, twice.
//
//   1. through sluice: create(..., { overflow: 'block' }) → map → forEach(slow async consumer)
//      The producer awaits `emitter.offer(event)`, so it is suspended whenever the bounded buffer is full.
//   2. through a naive unbounded push buffer (what an EventEmitter or an RxJS Subject feeding a slow async
//      handler amounts to): the producer never waits, the queue absorbs the difference, memory grows with input.
//
// Each run happens in its own child process so their heaps do not mix. While sluice runs, the demo prints each
// stage's queue depth and outstanding demand; at the end it prints the peak live heap of both runs.
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

async function runSluice(events) {
  const { create, map, tap, forEach } = await import('@sluice/core');
  const meter = heapMeter();
  let source = null; // the create stage's emitter, for its snapshot
  let sinkRequested = 0; // demand the forEach sink has signalled (via tap's request hook)
  let consumed = 0;

  const flow = create(async (emitter) => {
    source = emitter;
    for (let i = 0; i < events && !emitter.isCancelled; i++) await emitter.offer(makeEvent(i));
    emitter.complete();
  }, { capacity: CAPACITY, overflow: 'block', name: 'events' }).pipe(
    map((event) => ({ ...event, size: event.payload.length })),
    tap({ request: (n) => { sinkRequested += n; } }),
  );

  const started = Date.now();
  const report = setInterval(() => {
    const s = source.inspect();
    const outstanding = sinkRequested - consumed;
    process.stdout.write(
      `  ${String(consumed).padStart(8)} consumed | source buffer ${bar(s.buffered, s.capacity)} ` +
        `${String(s.buffered).padStart(4)}/${s.capacity}, demand ${String(s.requested).padStart(3)} | ` +
        `sink demand ${String(outstanding).padStart(3)}/${PREFETCH} | heap ${mib(meter.sample())}\n`,
    );
  }, 250);

  await forEach(flow, async (event) => {
    consumed++;
    await consumeSlowly(event);
  }, { prefetch: PREFETCH });
  clearInterval(report);
  meter.stop();
  return { consumed, peak: meter.peak, ms: Date.now() - started };
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
  console.log(`   done: ${sluice.consumed.toLocaleString('en')} events in ${sluice.ms} ms, peak live heap ${mib(sluice.peak)}\n`);
  console.log(`2) naive unbounded push buffer (${NAIVE_EVENTS.toLocaleString('en')} events)`);
  const naive = await runChild('naive', NAIVE_EVENTS);
  console.log(`   done: ${naive.consumed.toLocaleString('en')} events in ${naive.ms} ms, ` +
    `peak queue ${naive.peakQueue.toLocaleString('en')} events, peak live heap ${mib(naive.peak)}\n`);
  console.log('peak live heap (heapUsed after a forced GC)');
  const max = Math.max(sluice.peak, naive.peak);
  console.log(`  sluice  ${bar(sluice.peak, max, 40)} ${mib(sluice.peak)}  (bounded: ${CAPACITY} buffered + ${PREFETCH} prefetched at most)`);
  console.log(`  naive   ${bar(naive.peak, max, 40)} ${mib(naive.peak)}  (grows with the input)`);
}
