// W1 throughput: range(0, N) → map(x * 2) → filter(x % 3 === 0) → sum, in every library, same functions.
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ReadableStream, TransformStream, WritableStream } from 'node:stream/web';

const double = (x) => x * 2;
const keep = (x) => x % 3 === 0;

export const expected = (n) => {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = double(i);
    if (keep(x)) sum += x;
  }
  return sum;
};

export const impls = {
  'plain loop': async (n) => expected(n),

  'sluice (unbounded)': async (n) => {
    const { range, map, filter } = await import('@sluice/core');
    let sum = 0;
    range(0, n).pipe(map(double), filter(keep)).subscribe({
      onSubscribe: (s) => s.request(Infinity),
      onNext: (x) => { sum += x; },
      onError: (e) => { throw e; },
      onComplete: () => {},
    });
    return sum;
  },

  'sluice (request 1024)': async (n) => {
    const { range, map, filter } = await import('@sluice/core');
    let sum = 0;
    let subscription;
    let left = 0;
    range(0, n).pipe(map(double), filter(keep)).subscribe({
      onSubscribe: (s) => { subscription = s; left = 1024; s.request(1024); },
      onNext: (x) => {
        sum += x;
        if (--left === 0) { left = 1024; subscription.request(1024); }
      },
      onError: (e) => { throw e; },
      onComplete: () => {},
    });
    return sum;
  },

  'rxjs 7': async (n) => {
    const { range } = await import('rxjs');
    const { map, filter } = await import('rxjs/operators');
    let sum = 0;
    range(0, n).pipe(map(double), filter(keep)).subscribe((x) => { sum += x; });
    return sum;
  },

  'rsocket-flowable': async (n) => {
    const { Flowable } = await import('rsocket-flowable');
    let sum = 0;
    const source = new Flowable((subscriber) => {
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
    // rsocket-flowable has no filter: a lift that replaces each dropped item with request(1).
    const filtered = source.map(double).lift((downstream) => {
      let upstream;
      return {
        onSubscribe: (s) => { upstream = s; downstream.onSubscribe(s); },
        onNext: (x) => { if (keep(x)) downstream.onNext(x); else upstream.request(1); },
        onError: (e) => downstream.onError(e),
        onComplete: () => downstream.onComplete(),
      };
    });
    await new Promise((resolve, reject) => filtered.subscribe({
      onSubscribe: (s) => s.request(Number.MAX_SAFE_INTEGER),
      onNext: (x) => { sum += x; },
      onError: reject,
      onComplete: resolve,
    }));
    return sum;
  },

  '@most/core': async (n) => {
    const { newStream, map, filter, tap, runEffects } = await import('@most/core');
    const { newDefaultScheduler } = await import('@most/scheduler');
    let sum = 0;
    const source = newStream((sink, scheduler) => {
      const t = scheduler.currentTime();
      for (let i = 0; i < n; i++) sink.event(t, i);
      sink.end(t);
      return { dispose() {} };
    });
    await runEffects(tap((x) => { sum += x; }, filter(keep, map(double, source))), newDefaultScheduler());
    return sum;
  },

  callbag: async (n) => {
    const { pipe, fromIter, map, filter, forEach } = (await import('callbag-basics')).default;
    let sum = 0;
    function* numbers() { for (let i = 0; i < n; i++) yield i; }
    pipe(fromIter(numbers()), map(double), filter(keep), forEach((x) => { sum += x; }));
    return sum;
  },

  'IxJS (sync)': async (n) => {
    const { range } = await import('ix/Ix.iterable');
    const { map, filter } = await import('ix/Ix.iterable.operators');
    let sum = 0;
    for (const x of range(0, n).pipe(map(double), filter(keep))) sum += x;
    return sum;
  },

  'IxJS (async)': async (n) => {
    const { range } = await import('ix/Ix.asynciterable');
    const { map, filter } = await import('ix/Ix.asynciterable.operators');
    let sum = 0;
    for await (const x of range(0, n).pipe(map(double), filter(keep))) sum += x;
    return sum;
  },

  'async generators': async (n) => {
    async function* numbers() { for (let i = 0; i < n; i++) yield i; }
    async function* mapped(source) { for await (const x of source) yield double(x); }
    async function* filtered(source) { for await (const x of source) if (keep(x)) yield x; }
    let sum = 0;
    for await (const x of filtered(mapped(numbers()))) sum += x;
    return sum;
  },

  'Node streams (objectMode)': async (n) => {
    function* numbers() { for (let i = 0; i < n; i++) yield i; }
    let sum = 0;
    await pipeline(
      Readable.from(numbers()),
      new Transform({ objectMode: true, transform(x, _e, cb) { cb(null, double(x)); } }),
      new Transform({ objectMode: true, transform(x, _e, cb) { if (keep(x)) cb(null, x); else cb(); } }),
      new Writable({ objectMode: true, write(x, _e, cb) { sum += x; cb(); } }),
    );
    return sum;
  },

  'WHATWG streams': async (n) => {
    let i = 0;
    let sum = 0;
    await new ReadableStream({
      pull(controller) {
        if (i < n) controller.enqueue(i++);
        else controller.close();
      },
    }, { highWaterMark: 16 })
      .pipeThrough(new TransformStream({ transform(x, c) { c.enqueue(double(x)); } }))
      .pipeThrough(new TransformStream({ transform(x, c) { if (keep(x)) c.enqueue(x); } }))
      .pipeTo(new WritableStream({ write(x) { sum += x; } }));
    return sum;
  },

  'Effect Stream': async (n) => {
    const { Effect, Stream } = await import('effect');
    const program = Stream.range(0, n - 1).pipe(
      Stream.map(double),
      Stream.filter(keep),
      Stream.runFold(0, (acc, x) => acc + x),
    );
    return Effect.runPromise(program);
  },
};

/** Slow implementations get a smaller N so the run stays short; items per second stay comparable. */
export const slow = new Set(['IxJS (async)', 'async generators', 'Node streams (objectMode)', 'WHATWG streams', 'Effect Stream', 'rxjs 7']);
