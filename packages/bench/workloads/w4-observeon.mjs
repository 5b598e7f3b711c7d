// W4 an async boundary: range(0, N) → observeOn(scheduler) → sum. sluice moves items in batches of up to
// `prefetch` per scheduler task; RxJS's observeOn schedules one task per item. Peers without an observeOn put the
// boundary where their design has one: a promise per item (async iterables), a stream's queue (Node, WHATWG), a
// fiber with a bounded queue (Effect's buffer). Each sink samples the live heap at 50% (push designs queue ahead).
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ReadableStream, WritableStream } from 'node:stream/web';
import { liveHeap } from '../lib/probe.mjs';

export const expected = (n) => (n * (n - 1)) / 2;

/** The sink: sums, and samples the live heap (lib/probe.mjs) when half the items have arrived. */
function tally(n) {
  let count = 0;
  return {
    value: 0,
    heap50: 0,
    add(x) {
      if (count++ === n >> 1) {
        this.heap50 = liveHeap();
      }
      this.value += x;
    },
  };
}

/** sluice observeOn's default prefetch: the plain loop and the WHATWG queue hand over the same batch size. */
const BATCH = 256;

const sluice = (schedulerName) => async (n) => {
  const core = await import('@sluice/core');
  const out = tally(n);
  await core.forEach(core.range(0, n).pipe(core.observeOn(core[schedulerName])), (x) => out.add(x));
  return out;
};

const rx = (schedulerName) => async (n) => {
  const rxjs = await import('rxjs');
  const out = tally(n);
  await new Promise((resolve, reject) => rxjs.range(0, n).pipe(rxjs.observeOn(rxjs[schedulerName]))
    .subscribe({ next: (x) => out.add(x), error: reject, complete: resolve }));
  return out;
};

export const impls = {
  'plain loop (one setImmediate per 256 items)': async (n) => {
    const out = tally(n);
    for (let start = 0; start < n; start += BATCH) {
      await new Promise((resolve) => setImmediate(resolve));
      const end = Math.min(n, start + BATCH);
      for (let x = start; x < end; x++) out.add(x);
    }
    return out;
  },
  'sluice observeOn(microtask)': sluice('microtaskScheduler'),
  'sluice observeOn(macrotask)': sluice('macrotaskScheduler'),
  'rxjs observeOn(asapScheduler)': rx('asapScheduler'),
  'rxjs observeOn(asyncScheduler)': rx('asyncScheduler'),

  'IxJS async range (a promise per item)': async (n) => {
    const { range } = await import('ix/Ix.asynciterable');
    const out = tally(n);
    for await (const x of range(0, n)) out.add(x);
    return out;
  },

  'async generator (a promise per item)': async (n) => {
    async function* numbers() { for (let i = 0; i < n; i++) yield i; }
    const out = tally(n);
    for await (const x of numbers()) out.add(x);
    return out;
  },

  'Node streams (Readable.from → Writable)': async (n) => {
    function* numbers() { for (let i = 0; i < n; i++) yield i; }
    const out = tally(n);
    await pipeline(Readable.from(numbers()), new Writable({ objectMode: true, write(x, _e, cb) { out.add(x); cb(); } }));
    return out;
  },

  'WHATWG streams (queue of 256)': async (n) => {
    let i = 0;
    const out = tally(n);
    await new ReadableStream({
      pull(controller) { if (i < n) controller.enqueue(i++); else controller.close(); },
    }, { highWaterMark: BATCH }).pipeTo(new WritableStream({ write(x) { out.add(x); } }));
    return out;
  },

  'Effect Stream.buffer(256)': async (n) => {
    const [Effect, Stream] = await Promise.all([import('effect/Effect'), import('effect/Stream')]);
    const out = tally(n);
    await Effect.runPromise(Stream.range(0, n - 1).pipe(
      Stream.buffer({ capacity: BATCH }),
      Stream.runForEach((x) => Effect.sync(() => out.add(x))),
    ));
    return out;
  },
};

/** Slow implementations run on a smaller N (items per second stay comparable). */
export const slow = new Set(['rxjs observeOn(asapScheduler)', 'rxjs observeOn(asyncScheduler)', 'Effect Stream.buffer(256)']);

/** Peers that cannot express this workload, with the reason (rendered as n/a rows, never run). */
export const na = {
  'rsocket-flowable': 'no scheduler and no observeOn: every signal runs on the caller\'s stack',
  '@most/core': 'no observeOn: delay(0) returns the stream unchanged, delay(1) or more is a timeshift, not a handoff',
  callbag: 'callbag-basics has no scheduler and no observeOn',
  'IxJS (sync)': 'a sync iterable has no async boundary',
};
