import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { map, range } from '@sluice/core';
import { TestPublisher } from '@sluice/core/testing';
import { toReadable } from '@sluice/node';
import { collectGarbage } from '../../core/test/support/collectGarbage';
import { settle, until, watchdog } from './helpers';

async function collect<T>(readable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of readable) items.push(item);
  return items;
}

describe('toReadable', () => {
  describe('behaviour', () => {
    it('makes the items of a flow readable in order, then ends', async () => {
      expect(await watchdog(collect(toReadable(range(0, 50))))).toEqual(Array.from({ length: 50 }, (_, i) => i));
    });

    it('produces a byte stream with objectMode: false that pipes into a Writable', async () => {
      const parts: string[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _e, cb) {
          parts.push(chunk.toString());
          cb();
        },
      });
      const flow = range(0, 5).pipe(map((n) => Buffer.from(`${n},`)));
      await watchdog(pipeline(toReadable(flow, { objectMode: false }), sink));
      expect(parts.join('')).toBe('0,1,2,3,4,');
    });

    it('reports its buffer through inspect()', async () => {
      const source = new TestPublisher<number>();
      const readable = toReadable(source, { highWaterMark: 3 });
      readable.read(0);
      await settle();
      source.next(1, 2, 3);
      expect(readable.inspect()).toMatchObject({ stage: 'toReadable', capacity: 3, buffered: 3, upstreamRequested: 0 });
      readable.destroy();
    });
  });

  describe('demand', () => {
    it('subscribes only on the first read', async () => {
      const source = new TestPublisher<number>();
      const readable = toReadable(source);
      await settle();
      expect(source.subscriberCount).toBe(0);
      readable.read(0);
      await settle();
      expect(source.subscriberCount).toBe(1);
      readable.destroy();
    });

    it('requests what the buffer can take in object mode and nothing once it is full', async () => {
      const source = new TestPublisher<number>();
      const readable = toReadable(source, { highWaterMark: 4 });
      readable.read(0);
      await settle();
      expect(source.requests).toEqual([4]);
      source.next(1, 2, 3, 4);
      await settle();
      expect(readable.readableLength).toBe(4);
      expect(source.requests).toEqual([4]); // push() returned false: no more demand
      expect(readable.read()).toBe(1);
      await settle();
      expect(source.requests).toEqual([4, 1]); // room for exactly one again
      readable.destroy();
    });

    it('requests one item at a time in byte mode and stops at the high-water mark', async () => {
      const source = new TestPublisher<Buffer>();
      const readable = toReadable(source, { objectMode: false, highWaterMark: 10 });
      readable.read(0);
      await settle();
      expect(source.requests).toEqual([1]);
      source.next(Buffer.from('abcd'));
      expect(source.requests).toEqual([1, 1]);
      source.next(Buffer.from('efgh'));
      source.next(Buffer.from('ijkl')); // 12 bytes ≥ 10: push() false
      await settle();
      expect(source.requests).toEqual([1, 1, 1]);
      expect(source.outstanding).toBe(0);
      expect(readable.readableLength).toBe(12);
      readable.destroy();
    });

    it('never holds more than its high-water mark plus one item while a slow consumer reads', async () => {
      const readable = toReadable(range(0, 1000), { highWaterMark: 8 });
      let max = 0;
      let count = 0;
      readable.on('readable', () => {});
      while (!readable.readableEnded) {
        max = Math.max(max, readable.readableLength);
        if (readable.read() !== null) count++;
        await settle(1);
      }
      expect(count).toBe(1000);
      expect(max).toBeLessThanOrEqual(9);
    });
  });

  describe('errors', () => {
    it('destroys the readable with the flow error', async () => {
      const source = new TestPublisher<number>();
      const readable = toReadable(source);
      const errors: Error[] = [];
      readable.on('error', (e) => errors.push(e));
      readable.resume();
      await settle();
      source.next(1);
      source.error(new Error('upstream broke'));
      await until(() => readable.destroyed && errors.length > 0, 'the error');
      await settle();
      expect(errors.map((e) => e.message)).toEqual(['upstream broke']);
    });
  });

  describe('cancellation', () => {
    it('cancels the flow when the readable is destroyed', async () => {
      const source = new TestPublisher<number>();
      const readable = toReadable(source);
      readable.read(0);
      await settle();
      readable.destroy();
      expect(source.cancelled).toBe(true);
    });

    it('destroys with the abort reason and cancels the flow when the signal aborts', async () => {
      const controller = new AbortController();
      const source = new TestPublisher<number>();
      const readable = toReadable(source, { signal: controller.signal });
      const errors: Error[] = [];
      readable.on('error', (e) => errors.push(e));
      readable.read(0);
      await settle();
      controller.abort();
      await settle();
      expect(source.cancelled).toBe(true);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.name).toBe('AbortError');
    });

    it('lets a Readable abandoned with unread data after the flow completed be collected while the signal lives on', async () => {
      const controller = new AbortController();
      const ref = await (async (): Promise<WeakRef<object>> => {
        const readable = toReadable(range(0, 3), { signal: controller.signal, highWaterMark: 4 });
        readable.read(0); // subscribes; the whole flow lands in the buffer and completes
        await settle();
        expect(readable.readableLength).toBe(3); // unread, never destroyed
        return new WeakRef(readable);
      })();
      await collectGarbage();
      expect(ref.deref()).toBeUndefined();
      expect(controller.signal.aborted).toBe(false);
    });

    it('still destroys with the abort reason, instead of the buffered rest, when aborted after the flow completed', async () => {
      const controller = new AbortController();
      const readable = toReadable(range(0, 3), { signal: controller.signal, highWaterMark: 4 });
      readable.read(0);
      await settle();
      expect(readable.readableLength).toBe(3);
      controller.abort();
      await expect(watchdog(collect(readable))).rejects.toMatchObject({ name: 'AbortError' });
      expect(readable.destroyed).toBe(true);
    });

    it('cancels the flow when a for await loop breaks', async () => {
      const source = new TestPublisher<number>();
      const readable = toReadable(source);
      const iterator = readable[Symbol.asyncIterator]();
      const first = iterator.next();
      await settle();
      source.next(7);
      expect((await first).value).toBe(7);
      await iterator.return!();
      expect(source.cancelled).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('ends at once for an empty flow', async () => {
      expect(await watchdog(collect(toReadable(range(0, 0))))).toEqual([]);
    });

    it('rejects invalid options at assembly time', () => {
      expect(() => toReadable(null as never)).toThrow(TypeError);
      expect(() => toReadable(range(0, 1), { highWaterMark: -1 })).toThrow(RangeError);
      expect(() => toReadable(range(0, 1), { signal: 'x' as never })).toThrow(TypeError);
    });

    it('pipes into another Node stream with pipe()', async () => {
      const through = new PassThrough({ objectMode: true });
      toReadable(range(0, 3)).pipe(through);
      expect(await watchdog(collect(through))).toEqual([0, 1, 2]);
    });
  });
});
