// In-process fan-out with isolation: one fast producer, many subscribers, some of them slow.
//
// `broadcast` gives every subscriber its own bounded buffer and overflow strategy. The fast subscribers ask for
// everything and get every item, in order; the slow ones (one item per few milliseconds, like a websocket to a
// phone on a train) lose only their own items ('drop-oldest'), are told how many they missed (`onGap`, the cue to
// resync a client), and never slow down the producer or the fast subscribers. Memory stays flat: at most
// `capacity` items per slow subscriber, whatever the producer's rate.
//
// Compare `share()`: one buffer paced by the slowest subscriber, so the fast ones would get what the slowest takes.
//
//   node examples/fanout-broadcast.mjs                      2 s, 4 fast and 4 slow subscribers
//   node examples/fanout-broadcast.mjs --duration 500       a shorter run
//
// The last line is a JSON summary (`RESULT {...}`) that examples/test/fanout-broadcast.test.ts checks.
import { broadcast, create } from '@sluice/core';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const DURATION_MS = option('duration', 2_000);
const FAST = option('fast', 4);
const SLOW = option('slow', 4);
const BATCH = 200; // items the producer pushes per millisecond tick: ~200,000 items/s
const CAPACITY = 64; // each slow subscriber's own buffer

// The producer: pushes a batch every millisecond, whatever anyone asked for. Its own buffer uses 'error', so if
// the broadcast ever stopped pulling (paced by a slow subscriber), the run would fail loudly instead of losing data.
let produced = 0;
const ticks = create(
  (emitter) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started >= DURATION_MS) {
        clearInterval(timer);
        emitter.complete();
        return;
      }
      for (let i = 0; i < BATCH; i++) emitter.next({ seq: produced++, payload: 'x'.repeat(32) });
    }, 1);
    emitter.onCancel(() => clearInterval(timer));
  },
  { capacity: 4 * BATCH, overflow: 'error', name: 'producer' },
);

const hub = broadcast(ticks, { overflow: 'drop-oldest', capacity: CAPACITY, prefetch: 256 });

/** A fast subscriber: asks for everything and checks that it got every item, in order. */
function fastSubscriber(index) {
  const stats = { kind: 'fast', index, received: 0, inOrder: true, completed: false, error: null };
  hub.subscribe({
    onSubscribe: (s) => s.request(Infinity),
    onNext: (item) => {
      if (item.seq !== stats.received) stats.inOrder = false;
      stats.received++;
    },
    onError: (e) => (stats.error = String(e)),
    onComplete: () => (stats.completed = true),
  });
  return stats;
}

/** A slow subscriber: one item every `everyMs`, its own lossy buffer, told about each gap. */
function slowSubscriber(index, everyMs) {
  const stats = { kind: 'slow', index, received: 0, dropped: 0, gaps: 0, missed: 0, completed: false, error: null };
  let subscription = null;
  let timer = null;
  hub
    .with({ onDrop: () => stats.dropped++, onGap: (n) => { stats.gaps++; stats.missed += n; } })
    .subscribe({
      onSubscribe: (s) => {
        subscription = s;
        timer = setInterval(() => subscription.request(1), everyMs);
      },
      onNext: () => stats.received++,
      onError: (e) => { stats.error = String(e); clearInterval(timer); },
      onComplete: () => { stats.completed = true; clearInterval(timer); },
    });
  stats.drainRest = () => subscription.request(Infinity); // once the producer is done: take what is still buffered
  return stats;
}

const subscribers = [];
for (let i = 0; i < FAST; i++) subscribers.push(fastSubscriber(i));
for (let i = 0; i < SLOW; i++) subscribers.push(slowSubscriber(i, 5 + 5 * i));

// Heap samples: the live heap while the producer runs (memory is flat when the later samples are no higher).
const heap = [];
let deepest = 0;
const sampler = setInterval(() => {
  heap.push(process.memoryUsage().heapUsed);
  deepest = Math.max(deepest, hub.inspect().deepest?.pending ?? 0);
}, 50);

await new Promise((resolve) => {
  const check = setInterval(() => {
    if (produced > 0 && subscribers.every((s) => s.kind === 'slow' || s.completed || s.error)) {
      clearInterval(check);
      resolve();
    }
  }, 10);
});
clearInterval(sampler);
for (const s of subscribers) if (s.kind === 'slow') s.drainRest();
await new Promise((resolve) => setTimeout(resolve, 20));

const mb = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const half = Math.max(1, Math.floor(heap.length / 2));
const earlyPeak = Math.max(...heap.slice(0, half));
const latePeak = Math.max(...heap.slice(half));
const snapshot = hub.inspect();

console.log(`produced ${produced} items in ${DURATION_MS} ms`);
for (const s of subscribers) {
  if (s.kind === 'fast') {
    console.log(`fast[${s.index}]  received ${s.received}/${produced}, in order: ${s.inOrder ? 'yes' : 'NO'}`);
  } else {
    console.log(`slow[${s.index}]  received ${s.received}, dropped its own ${s.dropped}, told of ${s.gaps} gaps (${s.missed} missed)`);
  }
}
console.log(`deepest subscriber buffer seen: ${deepest} (capacity ${CAPACITY}); broadcast drops in all: ${snapshot.dropped}`);
console.log(`heap: peak in the first half ${mb(earlyPeak)} MB, in the second half ${mb(latePeak)} MB`);
const summary = {
  produced, capacity: CAPACITY, deepest, totalDropped: snapshot.dropped,
  earlyPeakMb: mb(earlyPeak), latePeakMb: mb(latePeak),
  subscribers: subscribers.map(({ drainRest, ...s }) => s),
};
console.log(`RESULT ${JSON.stringify(summary)}`);
