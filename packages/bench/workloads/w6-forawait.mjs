// W6 for await: range → map → filter consumed with `for await`, sluice (toAsyncIterable with prefetch) against
// native async generators and each peer's own async iterable.
import { Readable, Transform, pipeline } from 'node:stream';
import { ReadableStream, TransformStream } from 'node:stream/web';

const double = (x) => x * 2;
const keep = (x) => x % 3 === 0;
export const expected = (n) => {
  let sum = 0;
  for (let i = 0; i < n; i++) { const x = double(i); if (keep(x)) sum += x; }
  return sum;
};

export const impls = {
  'plain loop (no await)': async (n) => expected(n),
  'sluice for await (prefetch 256)': async (n) => {
    const { range, map, filter, toAsyncIterable } = await import('@sluice/core');
    let sum = 0;
    for await (const x of toAsyncIterable(range(0, n).pipe(map(double), filter(keep)), { prefetch: 256 })) sum += x;
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
  'IxJS async': async (n) => {
    const { range } = await import('ix/Ix.asynciterable');
    const { map, filter } = await import('ix/Ix.asynciterable.operators');
    let sum = 0;
    for await (const x of range(0, n).pipe(map(double), filter(keep))) sum += x;
    return sum;
  },
  'IxJS sync (for await over a sync iterable)': async (n) => {
    const { range } = await import('ix/Ix.iterable');
    const { map, filter } = await import('ix/Ix.iterable.operators');
    let sum = 0;
    for await (const x of range(0, n).pipe(map(double), filter(keep))) sum += x;
    return sum;
  },
  'Node streams (objectMode)': async (n) => {
    function* numbers() { for (let i = 0; i < n; i++) yield i; }
    let failure = null;
    const last = pipeline(
      Readable.from(numbers()),
      new Transform({ objectMode: true, transform(x, _e, cb) { cb(null, double(x)); } }),
      new Transform({ objectMode: true, transform(x, _e, cb) { if (keep(x)) cb(null, x); else cb(); } }),
      (error) => { failure = error ?? null; },
    );
    let sum = 0;
    for await (const x of last) sum += x;
    if (failure) throw failure;
    return sum;
  },
  'WHATWG streams': async (n) => {
    let i = 0;
    const source = new ReadableStream({
      pull(controller) { if (i < n) controller.enqueue(i++); else controller.close(); },
    }, { highWaterMark: 16 });
    let sum = 0;
    for await (const x of source
      .pipeThrough(new TransformStream({ transform(x, c) { c.enqueue(double(x)); } }))
      .pipeThrough(new TransformStream({ transform(x, c) { if (keep(x)) c.enqueue(x); } }))) sum += x;
    return sum;
  },
  'Effect Stream.toAsyncIterable': async (n) => {
    const Stream = await import('effect/Stream');
    let sum = 0;
    for await (const x of Stream.toAsyncIterable(Stream.range(0, n - 1).pipe(Stream.map(double), Stream.filter(keep)))) sum += x;
    return sum;
  },
};

/** Slow implementations run on a smaller N (items per second stay comparable). */
export const slow = new Set(['WHATWG streams']);

/** Peers that cannot express this workload, with the reason (rendered as n/a rows, never run). */
export const na = {
  'rxjs 7': 'an RxJS 7 Observable is not async iterable (that is the separate rxjs-for-await package)',
  'rsocket-flowable': 'no conversion to an async iterable',
  '@most/core': 'no conversion to an async iterable (push only)',
  callbag: 'callbag-basics has no async-iterable sink',
};
