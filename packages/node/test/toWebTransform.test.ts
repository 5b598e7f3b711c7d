import { describe, expect, it } from 'vitest';
import { filter, finalize, map, of, range, take, type FinalSignal } from '@sluice/core';
import { fromWebTransform, toWebReadable, toWebTransform } from '../src/index';

// toWebTransform: sluice operators as a WHATWG transform pair for pipeThrough; fromWebTransform: the reverse. The
// bounds are checked by counting (pulled from the source, seen by the operators), never by timing.

/** Lets pipes and stream algorithms run: a few event-loop turns (their progress is microtasks and macrotasks). */
async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

function arraySource<T>(items: readonly T[], onCancel?: (reason: unknown) => void): ReadableStream<T> {
  let i = 0;
  return new ReadableStream<T>({
    pull(controller) {
      if (i < items.length) controller.enqueue(items[i++]!);
      else controller.close();
    },
    cancel: onCancel,
  }, { highWaterMark: 0 });
}

async function readAll<T>(stream: ReadableStream<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of stream as unknown as AsyncIterable<T>) out.push(x);
  return out;
}

describe('toWebTransform', () => {
  describe('behaviour', () => {
    it('runs what is piped through it through the operators', async () => {
      const out = arraySource([1, 2, 3, 4, 5, 6]).pipeThrough(toWebTransform(filter((x: number) => x % 2 === 0), map((x) => `#${x}`)));
      expect(await readAll(out)).toEqual(['#2', '#4', '#6']);
    });

    it('without operators it is an identity transform; with a writer and a reader too', async () => {
      const { writable, readable } = toWebTransform<string>();
      const writer = writable.getWriter();
      const reading = readAll(readable);
      await writer.write('a');
      await writer.write('b');
      await writer.close();
      expect(await reading).toEqual(['a', 'b']);
    });
  });

  describe('demand', () => {
    it('pulls from an endless source only as far as the reader reads, plus the bounded queues between', async () => {
      let pulled = 0;
      const endless = new ReadableStream<number>({ pull: (c) => c.enqueue(pulled++) }, { highWaterMark: 0 });
      let mapped = 0;
      const reader = endless.pipeThrough(toWebTransform(map((x: number) => (mapped++, x * 2)))).getReader();
      for (let i = 0; i < 5; i++) expect((await reader.read()).value).toBe(i * 2);
      await settle();
      // 5 read + readable queue (1) + one chunk waiting in the bridge + writable queue (1) + one read by the pipe
      expect(pulled).toBeLessThanOrEqual(5 + 4);
      expect(mapped).toBeLessThanOrEqual(5 + 1);
      const before = pulled;
      await settle();
      expect(pulled).toBe(before); // stalled: nobody reads
      for (let i = 5; i < 10; i++) expect((await reader.read()).value).toBe(i * 2);
      await reader.cancel();
    });

    it("honours both strategies: the writable side's high-water mark, and the readable side's as how far the operators run ahead", async () => {
      for (const readableHighWaterMark of [1, 4]) {
        let mapped = 0;
        const { writable } = toWebTransform(
          { writableStrategy: { highWaterMark: 3 }, readableStrategy: { highWaterMark: readableHighWaterMark } },
          map((x: number) => (mapped++, x)),
        );
        const writer = writable.getWriter();
        expect(writer.desiredSize).toBe(3);
        for (let i = 0; i < 10; i++) void writer.write(i).catch(() => {});
        await settle();
        expect(mapped).toBe(readableHighWaterMark); // nobody reads: the readable queue is full, nothing more requested
        expect(writer.desiredSize).toBeLessThan(0); // the rest waits in the writable queue: a pipe would wait on ready
        await writer.abort(new Error('test over')); // goes through although a write waits for demand
      }
    });
  });

  describe('errors', () => {
    it('an operator error errors the readable side and the writable side with that error, and cancels the source', async () => {
      const boom = new Error('boom');
      let cancelled: unknown = 'not cancelled';
      const pair = toWebTransform(map((x: number) => {
        if (x === 3) throw boom;
        return x;
      }));
      const piping = arraySource([1, 2, 3, 4, 5], (reason) => (cancelled = reason)).pipeTo(pair.writable);
      await expect(readAll(pair.readable)).rejects.toBe(boom);
      await expect(piping).rejects.toBe(boom);
      expect(cancelled).toBe(boom);
    });

    it('aborting the writable side errors the readable side with the reason', async () => {
      const pair = toWebTransform(map((x: number) => x));
      const reason = new Error('upstream gone');
      await pair.writable.getWriter().abort(reason);
      await expect(readAll(pair.readable)).rejects.toBe(reason);
    });

    it('a null chunk rejects its write with a TypeError (§2.13) and fails the readable side', async () => {
      const pair = toWebTransform<unknown>();
      const writer = pair.writable.getWriter();
      const reading = readAll(pair.readable);
      await expect(writer.write(null)).rejects.toThrow(TypeError);
      await expect(reading).rejects.toThrow(/§2\.13/);
    });
  });

  describe('cancellation', () => {
    it('take(n) closes the readable side after n and cancels the piped source, with a reason saying why', async () => {
      let cancelled: unknown = null;
      let pulled = 0;
      const endless = new ReadableStream<number>({ pull: (c) => c.enqueue(pulled++), cancel: (r) => void (cancelled = r) }, { highWaterMark: 0 });
      expect(await readAll(endless.pipeThrough(toWebTransform(take<number>(3))))).toEqual([0, 1, 2]);
      await settle();
      expect(String(cancelled)).toMatch(/toWebTransform: the operators cancelled their input/);
      expect(pulled).toBeLessThanOrEqual(3 + 2);
    });

    it('cancelling the readable side cancels the operators and, through the writable side, the source', async () => {
      let cancelled = false;
      let ended: FinalSignal | null = null;
      const pair = toWebTransform(finalize<number>((signal) => (ended = signal)));
      const endless = new ReadableStream<number>({ pull: (c) => c.enqueue(1), cancel: () => void (cancelled = true) }, { highWaterMark: 0 });
      const piping = endless.pipeTo(pair.writable).catch((e: unknown) => e);
      const reader = pair.readable.getReader();
      await reader.read();
      await reader.cancel('enough');
      await piping;
      expect(ended).toBe('cancel');
      expect(cancelled).toBe(true);
    });

    it('an AbortSignal errors the readable side with its reason and stops the pipe', async () => {
      const controller = new AbortController();
      const pair = toWebTransform({ signal: controller.signal }, map((x: number) => x));
      const piping = arraySource([1, 2, 3]).pipeTo(pair.writable);
      const reader = pair.readable.getReader();
      expect((await reader.read()).value).toBe(1);
      const reason = new Error('stop');
      controller.abort(reason);
      await expect(reader.read()).rejects.toBe(reason);
      await expect(piping).rejects.toBe(reason);
    });
  });

  describe('empty and edge cases', () => {
    it('an empty input closes the readable side', async () => {
      expect(await readAll(arraySource<number>([]).pipeThrough(toWebTransform(map((x: number) => x))))).toEqual([]);
    });

    it('rejects what is not an operator or options', () => {
      expect(() => toWebTransform(42 as never)).toThrow(/expected operator functions or an options object first, got 42/);
      expect(() => toWebTransform(map((x: number) => x), 'x' as never)).toThrow(/expected operator functions, got string/);
    });
  });
});

describe('fromWebTransform', () => {
  it('runs a flow through a WHATWG transform: text to bytes and back', async () => {
    const words = ['démand', ' ', 'drïven', ' ✓'];
    const flow = of(...words).pipe(fromWebTransform(() => new TextEncoderStream()), fromWebTransform(() => new TextDecoderStream()));
    const text = (await collect(flow)).join('');
    expect(text).toBe(words.join(''));
  });

  it('round-trips gzip through CompressionStream and DecompressionStream, a transform per subscription', async () => {
    const gunzip = range(0, 2000).pipe(
      map((n) => new TextEncoder().encode(`${n}\n`)),
      fromWebTransform(() => new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>),
      fromWebTransform(() => new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>),
      fromWebTransform(() => new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>),
    );
    const expected = Array.from({ length: 2000 }, (_, n) => `${n}\n`).join('');
    expect((await collect(gunzip)).join('')).toBe(expected);
    expect((await collect(gunzip)).join('')).toBe(expected); // subscribed again: a new pair of streams
  });

  it('cancels the upstream when downstream stops early', async () => {
    let ended: FinalSignal | null = null;
    const flow = range(0, Infinity).pipe(
      finalize((signal) => (ended = signal)),
      fromWebTransform(() => new TransformStream<number, number>()),
      take(3),
    );
    expect(await collect(flow)).toEqual([0, 1, 2]);
    await settle();
    expect(ended).toBe('cancel');
  });

  it('an upstream error reaches downstream through the transform', async () => {
    const boom = new Error('boom');
    const flow = range(0, 5).pipe(map((n) => {
      if (n === 2) throw boom;
      return n;
    }), fromWebTransform(() => new TransformStream<number, number>()));
    await expect(collect(flow)).rejects.toBe(boom);
  });

  it('a create() that throws fails the subscriber after onSubscribe', async () => {
    await expect(collect(of(1).pipe(fromWebTransform((): TransformStream<number, number> => {
      throw new Error('no transform');
    })))).rejects.toThrow('no transform');
    expect(() => fromWebTransform(null as never)).toThrow(TypeError);
  });
});

describe('the README examples', () => {
  it('a Response body gets bytes: encode strings first (strings fail with "Received non-Uint8Array chunk")', async () => {
    const encoder = new TextEncoder();
    const response = new Response(toWebReadable(range(0, 3).pipe(map((n) => encoder.encode(`${n}\n`)))));
    expect(await response.text()).toBe('0\n1\n2\n');
    const stringResponse = new Response(toWebReadable(range(0, 3).pipe(map((n) => `${n}\n`))) as unknown as ReadableStream<Uint8Array>);
    await expect(stringResponse.text()).rejects.toThrow(/Uint8Array/);
  });
});

async function collect<T>(flow: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of flow) out.push(x);
  return out;
}
