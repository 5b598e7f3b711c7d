// W5 Node adapter: fromReadable → map → toWritable against a Node Transform pipeline doing the same work,
// for objects and for bytes, and against each peer's own way from a Readable to a Writable. The sink counts
// (objects) or sums byte lengths (bytes).
import { once } from 'node:events';
import { Readable, Transform, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { TransformStream } from 'node:stream/web';

const CHUNK = Buffer.alloc(16 * 1024, 7);
export const expected = (n) => n;

function objectSource(n) {
  let i = 0;
  return new Readable({ objectMode: true, read() { while (i < n) { if (!this.push({ i: i++ })) return; } this.push(null); } });
}
function byteSource(n) {
  let i = 0;
  return new Readable({ read() { while (i < n) { i++; if (!this.push(CHUNK)) return; } this.push(null); } });
}

const double = (o) => ({ i: o.i * 2 });
const trim = (b) => b.subarray(1);

/** The sinks: a Writable that acknowledges each write at once; `result()` is the count of objects or of chunks. */
function objectSink() {
  let count = 0;
  return { writable: new Writable({ objectMode: true, write(_o, _e, cb) { count++; cb(); } }), result: () => count };
}
/** `trimmed`: each chunk lost its first byte on the way (the `trim` middle stage); the ceiling rows pass chunks whole. */
function byteSink(trimmed = true) {
  let bytes = 0;
  const extra = trimmed ? 1 : 0;
  return { writable: new Writable({ write(b, _e, cb) { bytes += b.length + extra; cb(); } }), result: () => bytes / CHUNK.length };
}

/** Writes one item, waiting for 'drain' when the Writable asks to (backpressure for the hand-written loops). */
async function write(writable, item) {
  if (!writable.write(item)) await once(writable, 'drain');
}
async function end(writable) {
  writable.end();
  await finished(writable);
}

export const impls = {
  'plain for await → write() objects': async (n) => {
    const sink = objectSink();
    for await (const o of objectSource(n)) await write(sink.writable, double(o));
    await end(sink.writable);
    return sink.result();
  },
  'sluice objects': async (n) => {
    const { map } = await import('@sluice/core');
    const { fromReadable, pipeTo } = await import('@sluice/node');
    const sink = objectSink();
    await pipeTo(fromReadable(objectSource(n)).pipe(map(double)), sink.writable);
    return sink.result();
  },
  'Node Transform objects': async (n) => {
    const sink = objectSink();
    await pipeline(objectSource(n),
      new Transform({ objectMode: true, transform(o, _e, cb) { cb(null, double(o)); } }),
      sink.writable);
    return sink.result();
  },
  // The ceiling: Node's own pipe() from the same source into the same sink with nothing in between. No middle
  // stage can be cheaper than none, so this row shows how far any Readable → Writable pipeline can go.
  'Readable.pipe(Writable) objects (ceiling, no middle stage)': async (n) => {
    const sink = objectSink();
    objectSource(n).pipe(sink.writable);
    await finished(sink.writable);
    return sink.result();
  },
  'rxjs from(readable) objects': async (n) => {
    const { from, map, tap, lastValueFrom, ignoreElements, defaultIfEmpty } = await import('rxjs');
    const sink = objectSink();
    // RxJS has no Node bridge: from() reads the Readable as an async iterable, and a subscriber cannot wait for 'drain'.
    await lastValueFrom(from(objectSource(n)).pipe(map(double), tap((o) => sink.writable.write(o)), ignoreElements(), defaultIfEmpty(0)));
    await end(sink.writable);
    return sink.result();
  },
  'IxJS fromNodeStream → toNodeStream objects': async (n) => {
    const { fromNodeStream } = await import('ix/Ix.node');
    const { map } = await import('ix/Ix.asynciterable.operators');
    const { toNodeStream } = await import('ix/asynciterable/tonodestream');
    const sink = objectSink();
    await pipeline(toNodeStream(fromNodeStream(objectSource(n)).pipe(map(double)), { objectMode: true }), sink.writable);
    return sink.result();
  },
  'async generator in pipeline objects': async (n) => {
    const sink = objectSink();
    await pipeline(objectSource(n), async function* (source) { for await (const o of source) yield double(o); }, sink.writable);
    return sink.result();
  },
  'WHATWG toWeb → TransformStream objects': async (n) => {
    const sink = objectSink();
    await Readable.toWeb(objectSource(n))
      .pipeThrough(new TransformStream({ transform(o, c) { c.enqueue(double(o)); } }))
      .pipeTo(Writable.toWeb(sink.writable));
    return sink.result();
  },
  'Effect Stream.fromAsyncIterable objects': async (n) => {
    const [Effect, Stream] = await Promise.all([import('effect/Effect'), import('effect/Stream')]);
    const sink = objectSink();
    // Effect's Node bridge is @effect/platform-node (not a dependency here); core Effect reads a Readable as an async iterable.
    await Effect.runPromise(Stream.fromAsyncIterable(objectSource(n), (e) => e).pipe(
      Stream.map(double),
      Stream.runForEach((o) => Effect.promise(() => write(sink.writable, o))),
    ));
    await end(sink.writable);
    return sink.result();
  },

  'plain for await → write() bytes (16 KiB chunks)': async (n) => {
    const sink = byteSink();
    for await (const b of byteSource(n)) await write(sink.writable, trim(b));
    await end(sink.writable);
    return sink.result();
  },
  'sluice bytes (16 KiB chunks)': async (n) => {
    const { map } = await import('@sluice/core');
    const { fromReadable, pipeTo } = await import('@sluice/node');
    const sink = byteSink();
    await pipeTo(fromReadable(byteSource(n)).pipe(map(trim)), sink.writable);
    return sink.result();
  },
  'Node Transform bytes (16 KiB chunks)': async (n) => {
    const sink = byteSink();
    await pipeline(byteSource(n), new Transform({ transform(b, _e, cb) { cb(null, trim(b)); } }), sink.writable);
    return sink.result();
  },
  'Readable.pipe(Writable) bytes (16 KiB chunks; ceiling, no middle stage)': async (n) => {
    const sink = byteSink(false);
    byteSource(n).pipe(sink.writable);
    await finished(sink.writable);
    return sink.result();
  },
  'rxjs from(readable) bytes (16 KiB chunks)': async (n) => {
    const { from, map, tap, lastValueFrom, ignoreElements, defaultIfEmpty } = await import('rxjs');
    const sink = byteSink();
    await lastValueFrom(from(byteSource(n)).pipe(map(trim), tap((b) => sink.writable.write(b)), ignoreElements(), defaultIfEmpty(0)));
    await end(sink.writable);
    return sink.result();
  },
  'IxJS fromNodeStream → toNodeStream bytes (16 KiB chunks)': async (n) => {
    const { fromNodeStream } = await import('ix/Ix.node');
    const { map } = await import('ix/Ix.asynciterable.operators');
    const { toNodeStream } = await import('ix/asynciterable/tonodestream');
    const sink = byteSink();
    // read(16 KiB) hands over the source's chunks as they are (a bare read() joins whatever is buffered).
    await pipeline(toNodeStream(fromNodeStream(byteSource(n), CHUNK.length).pipe(map(trim)), { objectMode: false }), sink.writable);
    return sink.result();
  },
  'async generator in pipeline bytes (16 KiB chunks)': async (n) => {
    const sink = byteSink();
    await pipeline(byteSource(n), async function* (source) { for await (const b of source) yield trim(b); }, sink.writable);
    return sink.result();
  },
  'WHATWG toWeb → TransformStream bytes (16 KiB chunks)': async (n) => {
    const sink = byteSink();
    await Readable.toWeb(byteSource(n))
      .pipeThrough(new TransformStream({ transform(b, c) { c.enqueue(trim(b)); } }))
      .pipeTo(Writable.toWeb(sink.writable));
    return sink.result();
  },
  'Effect Stream.fromAsyncIterable bytes (16 KiB chunks)': async (n) => {
    const [Effect, Stream] = await Promise.all([import('effect/Effect'), import('effect/Stream')]);
    const sink = byteSink();
    await Effect.runPromise(Stream.fromAsyncIterable(byteSource(n), (e) => e).pipe(
      Stream.map(trim),
      Stream.runForEach((b) => Effect.promise(() => write(sink.writable, b))),
    ));
    await end(sink.writable);
    return sink.result();
  },
};

/** Peers that cannot express this workload, with the reason (rendered as n/a rows, never run). */
export const na = {
  'rsocket-flowable': 'no bridge from or to Node streams, and no async-iterable source',
  '@most/core': 'no bridge from or to Node streams, and no async-iterable source',
  callbag: 'callbag-basics has no Node or async-iterable source (fromEvent(\'data\') would drop backpressure)',
  'IxJS (sync)': 'a Readable is not a sync iterable',
};

/** Slow implementations run on a smaller N (items per second stay comparable). */
export const slow = new Set([
  'IxJS fromNodeStream → toNodeStream objects', 'WHATWG toWeb → TransformStream objects', 'Effect Stream.fromAsyncIterable objects',
  'IxJS fromNodeStream → toNodeStream bytes (16 KiB chunks)', 'WHATWG toWeb → TransformStream bytes (16 KiB chunks)',
  'Effect Stream.fromAsyncIterable bytes (16 KiB chunks)',
]);
