// Soak: pushes a long run of items through a realistic pipeline with a slow asynchronous sink, samples the live
// heap (after a forced GC) every second, prints the heap curve and fails loudly if the live heap grows.
//
//   node soak.mjs [items] [--max-growth-mib X] [--interval-ms N]     (re-execs itself with --expose-gc if needed)
//   SOAK_ITEMS=100000000 SOAK_MAX_GROWTH_MIB=8 node soak.mjs
//   node soak.mjs 1500000 --interval-ms 100 --leak     (self-check: the sink keeps every item; the soak must fail)
//
// It runs the built packages (`pnpm build` first). Not a test: a run takes minutes (100,000,000 items by default).
//
// Pipeline:  create (demand-exact producer of ~100-byte items)
//            → map (parse) → filter (drops 1 in 8)
//            → mergeMap (concurrency 8; every 16th inner is asynchronous and emits two items a microtask later)
//            → limitRate(256) → observeOn(macrotask scheduler, prefetch 512)
//            → forEach (slow sink: a checksum per item, one macrotask yield every 1,024 items)
//
// Verdict: samples taken during the first 10% of the run (and at least the first 3) are warm-up and ignored. The
// rest is cut in thirds; the live heap grows if max(last third) − max(first third) > max-growth MiB (default 8).
// With fewer than 6 samples after warm-up the run is too short to judge: it says so and exits 0. Exit codes:
// 0 bounded (or too short to judge), 1 heap growth, 2 wrong item count or a pipeline error.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

if (typeof globalThis.gc !== 'function') {
  const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(child.status ?? 1);
}

const { create, filter, forEach, limitRate, macrotaskScheduler, map, mergeMap, observeOn, of } = await import('@sluice/core');

// ---- options ---------------------------------------------------------------------------------------------------------

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const positional = args.find((a, i) => !a.startsWith('--') && (i === 0 || !args[i - 1].startsWith('--')));
const ITEMS = Number(positional ?? process.env.SOAK_ITEMS ?? 100_000_000);
const MAX_GROWTH_MIB = option('--max-growth-mib', Number(process.env.SOAK_MAX_GROWTH_MIB ?? 8));
const INTERVAL_MS = option('--interval-ms', Number(process.env.SOAK_INTERVAL_MS ?? 1000));
const LEAK = args.includes('--leak');
if (!Number.isSafeInteger(ITEMS) || ITEMS < 1) throw new RangeError(`soak: items must be a positive integer, got ${positional}`);

const MiB = 1024 * 1024;
const PAYLOAD = 'p'.repeat(80);

// ---- the pipeline ----------------------------------------------------------------------------------------------------

/** Emits exactly what is requested, synchronously, from `onRequest`: the buffer never holds an item. */
const source = create(
  (emitter) => {
    let next = 0;
    emitter.onRequest((n) => {
      const end = n === Infinity ? ITEMS : Math.min(ITEMS, next + n);
      for (; next < end && !emitter.isCancelled; next++) emitter.next({ id: next, line: `${next},${PAYLOAD}` });
      if (next >= ITEMS) emitter.complete();
    });
  },
  { capacity: 64, name: 'soak source' },
);

/** One item, or (every 16th) two items one microtask later: an asynchronous inner with its own subscription. */
const inner = (item) =>
  item.id % 16 === 0
    ? create((emitter) => {
        emitter.onRequest(() => {});
        queueMicrotask(() => {
          emitter.next(item.id);
          emitter.next(-item.id - 1);
          emitter.complete();
        });
      }, { capacity: 2 })
    : of(item.id);

// filter drops the ids ≡ 7 (mod 8); ids divisible by 16 (never dropped) produce two items.
const expectedPassed = ITEMS - Math.floor(ITEMS / 8) + Math.ceil(ITEMS / 16);

let delivered = 0;
const retained = []; // only with --leak
let checksum = 0;
const tick = () => new Promise((resolve) => setImmediate(resolve));

// ---- heap sampling ---------------------------------------------------------------------------------------------------

const samples = []; // { t (s), heap (bytes), delivered }
const started = Date.now();
function sample() {
  globalThis.gc();
  samples.push({ t: (Date.now() - started) / 1000, heap: process.memoryUsage().heapUsed, delivered });
  const last = samples[samples.length - 1];
  process.stderr.write(`\r  ${last.t.toFixed(0).padStart(5)} s  ${(last.heap / MiB).toFixed(2).padStart(8)} MiB live  ${((delivered / expectedPassed) * 100).toFixed(1).padStart(5)}%   `);
}
const sampler = setInterval(sample, INTERVAL_MS);

console.log(`soak: ${ITEMS.toLocaleString('en')} items, sampling the live heap every ${INTERVAL_MS} ms (max growth ${MAX_GROWTH_MIB} MiB)`);
console.log('  create → map → filter → mergeMap(async inners, concurrency 8) → limitRate(256) → observeOn(macrotask) → forEach(slow sink)');

let failure = null;
try {
  await forEach(
    source.pipe(
      map((item) => ({ id: item.id, size: item.line.length })),
      filter((item) => item.id % 8 !== 7),
      mergeMap(inner, { concurrency: 8, prefetch: 4 }),
      limitRate(256),
      observeOn(macrotaskScheduler, { prefetch: 512 }),
    ),
    (value) => {
      checksum = (checksum + value) | 0;
      if (LEAK) retained.push(`${value},${PAYLOAD}`);
      delivered++;
      if ((delivered & 1023) === 0) return tick(); // the slow part: an I/O-like yield every 1,024 items
      return undefined;
    },
    { prefetch: 64 },
  );
} catch (error) {
  failure = error;
}
sample();
clearInterval(sampler);
process.stderr.write('\n');
const seconds = (Date.now() - started) / 1000;

// ---- report ----------------------------------------------------------------------------------------------------------

const mib = (bytes) => bytes / MiB;
const heaps = samples.map((s) => mib(s.heap));
const BARS = '▁▂▃▄▅▆▇█';
const lo = Math.min(...heaps);
const hi = Math.max(...heaps);

/** At most `width` columns, each the max of its bucket (growth shows, noise does not hide it). */
function buckets(values, width) {
  if (values.length <= width) return values;
  const out = [];
  for (let c = 0; c < width; c++) {
    const from = Math.floor((c * values.length) / width);
    const to = Math.floor(((c + 1) * values.length) / width);
    out.push(Math.max(...values.slice(from, Math.max(to, from + 1))));
  }
  return out;
}
const spark = (values) =>
  values.map((v) => BARS[hi === lo ? 0 : Math.min(BARS.length - 1, Math.floor(((v - lo) / (hi - lo)) * BARS.length))]).join('');

console.log(`\ndelivered ${delivered.toLocaleString('en')} of ${expectedPassed.toLocaleString('en')} in ${seconds.toFixed(1)} s ` +
  `(${Math.round(delivered / seconds).toLocaleString('en')} items/s), checksum ${checksum}`);
console.log(`live heap after gc(), ${samples.length} samples, ${lo.toFixed(2)}–${hi.toFixed(2)} MiB:`);
console.log(`  ${spark(buckets(heaps, 72))}`);
const rows = buckets(samples.map((_, i) => i), 24).map((i) => samples[Math.round(i)]);
for (const s of rows) {
  const bar = '#'.repeat(Math.max(1, Math.round(((mib(s.heap) - lo) / Math.max(hi - lo, 0.01)) * 40)));
  console.log(`  ${s.t.toFixed(0).padStart(6)} s ${mib(s.heap).toFixed(2).padStart(8)} MiB ${bar}`);
}

let code = 0;
if (failure !== null) {
  console.error(`\nSOAK FAILED: the pipeline failed: ${failure?.stack ?? failure}`);
  code = 2;
} else if (delivered !== expectedPassed) {
  console.error(`\nSOAK FAILED: delivered ${delivered} items, expected ${expectedPassed}`);
  code = 2;
}

const warmup = Math.max(3, Math.ceil(samples.length * 0.1));
const judged = heaps.slice(warmup);
if (judged.length < 6) {
  console.log(`\nverdict: too short to judge (${judged.length} samples after ${warmup} warm-up samples; need 6): run more items`);
} else {
  const third = Math.floor(judged.length / 3);
  const first = Math.max(...judged.slice(0, third));
  const last = Math.max(...judged.slice(judged.length - third));
  const growth = last - first;
  console.log(`\nverdict: after ${warmup} warm-up samples, max of the first third ${first.toFixed(2)} MiB, of the last third ` +
    `${last.toFixed(2)} MiB: growth ${growth.toFixed(2)} MiB (limit ${MAX_GROWTH_MIB} MiB)`);
  if (growth > MAX_GROWTH_MIB) {
    console.error(`\nSOAK FAILED: THE LIVE HEAP GREW by ${growth.toFixed(2)} MiB (> ${MAX_GROWTH_MIB} MiB) over the run`);
    code = code || 1;
  } else {
    console.log('bounded: the live heap did not grow');
  }
}
process.exit(code);
