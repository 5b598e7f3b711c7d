// W2 overload: a producer of N ~100-byte items as fast as it can, a consumer that awaits one setImmediate per
// item. Reports time and the live heap after a forced GC at 1% and 50% consumed. Bounded means the heap does not
// grow with N.
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ReadableStream, WritableStream } from 'node:stream/web';

const PAYLOAD = 'x'.repeat(90);
const makeItem = (i) => ({ id: i, payload: PAYLOAD + i });
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** The consumer's bookkeeping: counts, and samples the live heap at 1% and 50%. */
function consumer(n) {
  const marks = [Math.max(1, Math.floor(n * 0.01)), Math.floor(n * 0.5)];
  const heap = [];
  let seen = 0;
  return {
    heap,
    get seen() { return seen; },
    async consume(item) {
      if (item.payload.length < 90) throw new Error('bad item');
      seen++;
      if (seen === marks[0] || seen === marks[1]) {
        globalThis.gc?.();
        heap.push(process.memoryUsage().heapUsed);
      }
      await tick();
    },
  };
}

const result = (c, n) => {
  if (c.seen !== n) throw new Error(`consumed ${c.seen} of ${n}`);
  return { value: n, heap1: c.heap[0], heap50: c.heap[1] };
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
};
