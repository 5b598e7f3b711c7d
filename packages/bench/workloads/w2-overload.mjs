// W2 overload: a producer of N ~100-byte items as fast as it can, a consumer that awaits one setImmediate per
// item. Reports time and the growth of the live heap (after a forced GC) at 1% and 50% consumed over the live heap
// just before the pipeline was built. The warm-up run has already loaded the library, so the growth is what the
// pipeline holds (buffers, subscribers, pending promises), not the library's code. Bounded means it does not grow
// with N.
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ReadableStream, WritableStream } from 'node:stream/web';
import { liveHeap } from '../lib/probe.mjs';

const PAYLOAD = 'x'.repeat(90);
const makeItem = (i) => ({ id: i, payload: PAYLOAD + i });
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** The consumer's bookkeeping: counts, and samples the live heap at 1% and 50%; made after the imports. */
function consumer(n) {
  const marks = [Math.max(1, Math.floor(n * 0.01)), Math.floor(n * 0.5)];
  const heap = [];
  const start = liveHeap();
  let seen = 0;
  return {
    heap,
    start,
    get seen() { return seen; },
    async consume(item) {
      if (item.payload.length < 90) throw new Error('bad item');
      seen++;
      if (seen === marks[0] || seen === marks[1]) heap.push(liveHeap() - start);
      await tick();
    },
  };
}

const result = (c, n) => {
  if (c.seen !== n) throw new Error(`consumed ${c.seen} of ${n}`);
  return { value: n, heap1: c.heap[0], heap50: c.heap[1], heapStart: c.start };
};

export const expected = (n) => n;

export const impls = {
  'consumer alone': async (n) => {
    const c = consumer(n);
    for (let i = 0; i < n; i++) await c.consume(makeItem(i));
    return result(c, n);
  },

  'sluice create(block) → forEach': async (n) => {
    const { create, forEach } = await import('@sluice/core');
    const c = consumer(n);
    const flow = create(async (emitter) => {
      for (let i = 0; i < n; i++) await emitter.offer(makeItem(i));
      emitter.complete();
    }, { capacity: 256, overflow: 'block' });
    await forEach(flow, (item) => c.consume(item), { prefetch: 32 });
    return result(c, n);
  },

  'sluice range → map → forEach': async (n) => {
    const { range, map, forEach } = await import('@sluice/core');
    const c = consumer(n);
    await forEach(range(0, n).pipe(map(makeItem)), (item) => c.consume(item), { prefetch: 32 });
    return result(c, n);
  },

  'rxjs 7 (concatMap)': async (n) => {
    const { range, from, lastValueFrom } = await import('rxjs');
    const { map, concatMap, count } = await import('rxjs/operators');
    const c = consumer(n);
    await lastValueFrom(range(0, n).pipe(map(makeItem), concatMap((item) => from(c.consume(item))), count()));
    return result(c, n);
  },

  'rsocket-flowable (request 1)': async (n) => {
    const { Flowable } = await import('rsocket-flowable');
    const c = consumer(n);
    // rsocket-flowable has no range: a source that emits exactly what was requested.
    const numbers = new Flowable((subscriber) => {
      let i = 0; let requested = 0; let emitting = false; let cancelled = false;
      subscriber.onSubscribe({
        cancel: () => { cancelled = true; },
        request: (k) => {
          requested = Math.min(Number.MAX_SAFE_INTEGER, requested + k);
          if (emitting) return;
          emitting = true;
          while (requested > 0 && i < n && !cancelled) { requested--; subscriber.onNext(i++); }
          emitting = false;
          if (i === n && !cancelled) { cancelled = true; subscriber.onComplete(); }
        },
      });
    });
    await new Promise((resolve, reject) => {
      let subscription;
      let last = Promise.resolve();
      numbers.map(makeItem).subscribe({
        onSubscribe: (s) => { subscription = s; s.request(1); },
        onNext: (item) => { last = c.consume(item).then(() => subscription.request(1)); last.catch(reject); },
        onError: reject,
        onComplete: () => last.then(resolve, reject),
      });
    });
    return result(c, n);
  },

  '@most/core (concatMap)': async (n) => {
    const { newStream, map, concatMap, fromPromise, runEffects } = await import('@most/core');
    const { newDefaultScheduler, asap } = await import('@most/scheduler');
    const c = consumer(n);
    // @most/core has no range: a source task that emits every number as soon as the scheduler runs it.
    const numbers = newStream((sink, scheduler) => asap({
      active: true,
      run(t) { for (let i = 0; i < n && this.active; i++) sink.event(t, i); if (this.active) sink.end(t); },
      error(t, e) { sink.error(t, e); },
      dispose() { this.active = false; },
    }, scheduler));
    await runEffects(concatMap((item) => fromPromise(c.consume(item)), map(makeItem, numbers)), newDefaultScheduler());
    return result(c, n);
  },

  'callbag (pull after each item)': async (n) => {
    const { pipe, fromIter, map } = (await import('callbag-basics')).default;
    const c = consumer(n);
    function* numbers() { for (let i = 0; i < n; i++) yield i; }
    await new Promise((resolve, reject) => {
      let talkback;
      pipe(fromIter(numbers()), map(makeItem))(0, (type, data) => {
        if (type === 0) { talkback = data; talkback(1); }
        else if (type === 1) c.consume(data).then(() => talkback(1), reject);
        else if (type === 2) { if (data) reject(data); else resolve(); }
      });
    });
    return result(c, n);
  },

  'IxJS (sync)': async (n) => {
    const { range } = await import('ix/Ix.iterable');
    const { map } = await import('ix/Ix.iterable.operators');
    const c = consumer(n);
    for (const item of range(0, n).pipe(map(makeItem))) await c.consume(item);
    return result(c, n);
  },

  'IxJS (async)': async (n) => {
    const { range } = await import('ix/Ix.asynciterable');
    const { map } = await import('ix/Ix.asynciterable.operators');
    const c = consumer(n);
    for await (const item of range(0, n).pipe(map(makeItem))) await c.consume(item);
    return result(c, n);
  },

  'async generator': async (n) => {
    async function* produce() { for (let i = 0; i < n; i++) yield makeItem(i); }
    const c = consumer(n);
    for await (const item of produce()) await c.consume(item);
    return result(c, n);
  },

  'Node streams (objectMode)': async (n) => {
    function* produce() { for (let i = 0; i < n; i++) yield makeItem(i); }
    const c = consumer(n);
    await pipeline(Readable.from(produce()), new Writable({
      objectMode: true,
      write(item, _e, cb) { c.consume(item).then(() => cb(), cb); },
    }));
    return result(c, n);
  },

  'WHATWG streams': async (n) => {
    let i = 0;
    const c = consumer(n);
    await new ReadableStream({
      pull(controller) { if (i < n) controller.enqueue(makeItem(i++)); else controller.close(); },
    }).pipeTo(new WritableStream({ write: (item) => c.consume(item) }));
    return result(c, n);
  },

  'Effect Stream': async (n) => {
    const [Effect, Stream] = await Promise.all([import('effect/Effect'), import('effect/Stream')]);
    const c = consumer(n);
    await Effect.runPromise(Stream.range(0, n - 1).pipe(
      Stream.map(makeItem),
      Stream.runForEach((item) => Effect.promise(() => c.consume(item))),
    ));
    return result(c, n);
  },
};

/** Push designs without backpressure: everything the producer emits waits in a buffer, so they run at the smaller N. */
export const unbounded = new Set(['rxjs 7 (concatMap)', '@most/core (concatMap)']);

/** Peers that cannot express this workload, with the reason (rendered as n/a rows, never run). */
export const na = {};
