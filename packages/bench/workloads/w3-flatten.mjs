// W3 mergeMap/concatMap with asynchronous inners (each inner resolves one promise) and bounded concurrency.
// Reports throughput and the live heap at 50% delivered (bounded: it should not grow with N).
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ReadableStream, TransformStream, WritableStream } from 'node:stream/web';
import { liveHeap } from '../lib/probe.mjs';

const CONCURRENCY = 8;
const inner = (x) => Promise.resolve(x * 2);

export const expected = (n) => n * (n - 1);

const heap = liveHeap;

/** The sink for peers without a reduce: sums, and samples the live heap when half the items have arrived. */
function tally(n) {
  let count = 0;
  return {
    value: 0,
    heap50: 0,
    add(x) {
      if (count++ === n >> 1) this.heap50 = heap();
      this.value += x;
    },
  };
}

function* numbers(n) { for (let i = 0; i < n; i++) yield i; }

/** @most/core has no range: a source task that emits every number as soon as the scheduler runs it. */
const mostNumbers = (newStream, asap, n) => newStream((sink, scheduler) => asap({
  active: true,
  run(t) { for (let i = 0; i < n && this.active; i++) sink.event(t, i); if (this.active) sink.end(t); },
  error(t, e) { sink.error(t, e); },
  dispose() { this.active = false; },
}, scheduler));

export const impls = {
  'plain loop (8 awaiting workers)': async (n) => {
    const out = tally(n);
    let next = 0;
    const worker = async () => { while (next < n) out.add(await inner(next++)); };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return out;
  },
  'sluice mergeMap': async (n) => {
    const { range, mergeMap, from, lastValue, reduce } = await import('@sluice/core');
    let peak = 0;
    const value = await lastValue(range(0, n).pipe(
      mergeMap((x) => from(inner(x)), { concurrency: CONCURRENCY }),
      reduce((acc, x, i) => { if (i === n >> 1) peak = heap(); return acc + x; }, 0),
    ));
    return { value, heap50: peak };
  },
  'rxjs mergeMap': async (n) => {
    const { range, from, lastValueFrom } = await import('rxjs');
    const { mergeMap, reduce } = await import('rxjs/operators');
    let peak = 0;
    const value = await lastValueFrom(range(0, n).pipe(
      mergeMap((x) => from(inner(x)), CONCURRENCY),
      reduce((acc, x, i) => { if (i === n >> 1) peak = heap(); return acc + x; }, 0),
    ));
    return { value, heap50: peak };
  },

  '@most/core mergeMapConcurrently': async (n) => {
    const { newStream, mergeMapConcurrently, fromPromise, tap, runEffects } = await import('@most/core');
    const { newDefaultScheduler, asap } = await import('@most/scheduler');
    const out = tally(n);
    const flattened = mergeMapConcurrently((x) => fromPromise(inner(x)), CONCURRENCY, mostNumbers(newStream, asap, n));
    await runEffects(tap((x) => out.add(x), flattened), newDefaultScheduler());
    return out;
  },

  'IxJS flatMap (concurrency 8)': async (n) => {
    const { range, from } = await import('ix/Ix.asynciterable');
    const { flatMap } = await import('ix/Ix.asynciterable.operators');
    const out = tally(n);
    for await (const x of range(0, n).pipe(flatMap((x) => from(inner(x)), CONCURRENCY))) out.add(x);
    return out;
  },

  'async generator (8 in flight, in order)': async (n) => {
    async function* source() { for (let i = 0; i < n; i++) yield i; }
    async function* mapConcurrently(items) {
      const inFlight = [];
      for await (const x of items) {
        inFlight.push(inner(x));
        if (inFlight.length === CONCURRENCY) yield inFlight.shift();
      }
      while (inFlight.length > 0) yield inFlight.shift();
    }
    const out = tally(n);
    for await (const x of mapConcurrently(source())) out.add(x);
    return out;
  },

  'Node readable.map (concurrency 8, in order)': async (n) => {
    const out = tally(n);
    await pipeline(
      Readable.from(numbers(n)).map(inner, { concurrency: CONCURRENCY }),
      new Writable({ objectMode: true, write(x, _e, cb) { out.add(x); cb(); } }),
    );
    return out;
  },

  'Effect Stream.mapEffect (concurrency 8, in order)': async (n) => {
    const [Effect, Stream] = await Promise.all([import('effect/Effect'), import('effect/Stream')]);
    const out = tally(n);
    await Effect.runPromise(Stream.range(0, n - 1).pipe(
      Stream.mapEffect((x) => Effect.promise(() => inner(x)), { concurrency: CONCURRENCY }),
      Stream.runForEach((x) => Effect.sync(() => out.add(x))),
    ));
    return out;
  },

  'plain loop (await each)': async (n) => {
    const out = tally(n);
    for (let i = 0; i < n; i++) out.add(await inner(i));
    return out;
  },
  'sluice concatMap': async (n) => {
    const { range, concatMap, from, lastValue, reduce } = await import('@sluice/core');
    let peak = 0;
    const value = await lastValue(range(0, n).pipe(
      concatMap((x) => from(inner(x))),
      reduce((acc, x, i) => { if (i === n >> 1) peak = heap(); return acc + x; }, 0),
    ));
    return { value, heap50: peak };
  },
  'rxjs concatMap': async (n) => {
    const { range, from, lastValueFrom } = await import('rxjs');
    const { concatMap, reduce } = await import('rxjs/operators');
    let peak = 0;
    const value = await lastValueFrom(range(0, n).pipe(
      concatMap((x) => from(inner(x))),
      reduce((acc, x, i) => { if (i === n >> 1) peak = heap(); return acc + x; }, 0),
    ));
    return { value, heap50: peak };
  },

  '@most/core concatMap': async (n) => {
    const { newStream, concatMap, fromPromise, tap, runEffects } = await import('@most/core');
    const { newDefaultScheduler, asap } = await import('@most/scheduler');
    const out = tally(n);
    const flattened = concatMap((x) => fromPromise(inner(x)), mostNumbers(newStream, asap, n));
    await runEffects(tap((x) => out.add(x), flattened), newDefaultScheduler());
    return out;
  },

  'callbag flatten over a pullable': async (n) => {
    const { pipe, fromIter, fromPromise, map, flatten } = (await import('callbag-basics')).default;
    const out = tally(n);
    // On a pullable source flatten asks the outer for the next item only once the current inner has ended.
    await new Promise((resolve, reject) => {
      let talkback;
      pipe(fromIter(numbers(n)), map((x) => fromPromise(inner(x))), flatten)(0, (type, data) => {
        if (type === 0) { talkback = data; talkback(1); }
        else if (type === 1) { out.add(data); talkback(1); }
        else if (type === 2) { if (data) reject(data); else resolve(); }
      });
    });
    return out;
  },

  'IxJS concatMap': async (n) => {
    const { range, from } = await import('ix/Ix.asynciterable');
    const { concatMap } = await import('ix/Ix.asynciterable.operators');
    const out = tally(n);
    for await (const x of range(0, n).pipe(concatMap((x) => from(inner(x))))) out.add(x);
    return out;
  },

  'async generator (await each)': async (n) => {
    async function* source() { for (let i = 0; i < n; i++) yield i; }
    async function* mapInOrder(items) { for await (const x of items) yield await inner(x); }
    const out = tally(n);
    for await (const x of mapInOrder(source())) out.add(x);
    return out;
  },

  'Node readable.map (concurrency 1)': async (n) => {
    const out = tally(n);
    await pipeline(
      Readable.from(numbers(n)).map(inner),
      new Writable({ objectMode: true, write(x, _e, cb) { out.add(x); cb(); } }),
    );
    return out;
  },

  'WHATWG TransformStream (async transform)': async (n) => {
    const out = tally(n);
    let i = 0;
    await new ReadableStream({ pull(controller) { if (i < n) controller.enqueue(i++); else controller.close(); } })
      .pipeThrough(new TransformStream({ async transform(x, controller) { controller.enqueue(await inner(x)); } }))
      .pipeTo(new WritableStream({ write(x) { out.add(x); } }));
    return out;
  },

  'Effect Stream.mapEffect (sequential)': async (n) => {
    const [Effect, Stream] = await Promise.all([import('effect/Effect'), import('effect/Stream')]);
    const out = tally(n);
    await Effect.runPromise(Stream.range(0, n - 1).pipe(
      Stream.mapEffect((x) => Effect.promise(() => inner(x))),
      Stream.runForEach((x) => Effect.sync(() => out.add(x))),
    ));
    return out;
  },
};

/** Peers that cannot express this workload, with the reason (rendered as n/a rows, never run). */
export const na = {
  'rsocket-flowable': 'no flatMap or concatMap (its operators are map, take and lift)',
  'callbag mergeMap': 'callbag-basics has no bounded-concurrency merge (merge takes a fixed list; flatten runs one inner at a time)',
  'IxJS (sync)': 'a sync iterable cannot wait for a promise',
  'WHATWG mergeMap': 'a TransformStream runs one transform() at a time; there is no concurrent map',
};

/** Slow implementations run on a smaller N (items per second stay comparable). */
export const slow = new Set([
  'IxJS flatMap (concurrency 8)', 'Effect Stream.mapEffect (concurrency 8, in order)',
  'IxJS concatMap', 'WHATWG TransformStream (async transform)', 'Effect Stream.mapEffect (sequential)',
]);
