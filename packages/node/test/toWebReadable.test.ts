import { describe, expect, it } from 'vitest';
import { range } from '@sluice/core';
import { TestPublisher } from '@sluice/core/testing';
import { toWebReadable } from '@sluice/node';
import { settle, watchdog } from './helpers';

async function collect<T>(stream: ReadableStream<T>): Promise<T[]> {
  const items: T[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return items;
    items.push(value);
  }
}

describe('toWebReadable', () => {
  describe('behaviour', () => {
    it('makes the items of a flow readable in order, then closes', async () => {
      expect(await watchdog(collect(toWebReadable(range(0, 20))))).toEqual(Array.from({ length: 20 }, (_, i) => i));
    });
  });

  describe('demand', () => {
    it('requests desiredSize on pull and never lets the queue exceed the high-water mark', async () => {
      const source = new TestPublisher<number>();
      const stream = toWebReadable(source, new CountQueuingStrategy({ highWaterMark: 3 }));
      await settle();
      expect(source.requests).toEqual([3]);
      source.next(1, 2, 3);
      await settle();
      expect(source.requests).toEqual([3]); // desiredSize 0: no pull
      const reader = stream.getReader();
      expect((await reader.read()).value).toBe(1);
      await settle();
      expect(source.requests).toEqual([3, 1]);
      await reader.cancel();
    });

    it('requests nothing with a zero high-water mark until someone reads', async () => {
      const source = new TestPublisher<number>();
      const stream = toWebReadable(source, { highWaterMark: 0 });
      await settle();
      expect(source.requests).toEqual([]);
      const reader = stream.getReader();
      const read = reader.read();
      await settle();
      expect(source.requests).toEqual([1]);
      source.next(9);
      expect((await read).value).toBe(9);
      await reader.cancel();
    });

    it('requests one item at a time under a size() strategy', async () => {
      const source = new TestPublisher<Uint8Array>();
      toWebReadable(source, new ByteLengthQueuingStrategy({ highWaterMark: 10 }));
      await settle();
      expect(source.requests).toEqual([1]);
      source.next(new Uint8Array(4));
      await settle();
      expect(source.requests).toEqual([1, 1]);
      source.next(new Uint8Array(8)); // 12 bytes queued: desiredSize < 0
      await settle();
      expect(source.requests).toEqual([1, 1]);
    });
  });

  describe('errors', () => {
    it('errors the stream with the flow error', async () => {
      const source = new TestPublisher<number>();
      const stream = toWebReadable(source);
      await settle();
      source.error(new Error('upstream broke'));
      await expect(stream.getReader().read()).rejects.toThrow('upstream broke');
    });
  });

  describe('cancellation', () => {
    it('cancels the flow when the stream is cancelled', async () => {
      const source = new TestPublisher<number>();
      const stream = toWebReadable(source);
      await settle();
      await stream.cancel();
      expect(source.cancelled).toBe(true);
    });

    it('cancels the flow and errors the stream when the signal aborts', async () => {
      const controller = new AbortController();
      const source = new TestPublisher<number>();
      const stream = toWebReadable(source, undefined, { signal: controller.signal });
      await settle();
      controller.abort();
      expect(source.cancelled).toBe(true);
      await expect(stream.getReader().read()).rejects.toMatchObject({ name: 'AbortError' });
    });
  });

  describe('empty and edge cases', () => {
    it('closes at once for an empty flow', async () => {
      expect(await watchdog(collect(toWebReadable(range(0, 0))))).toEqual([]);
    });

    it('works with pipeThrough and async iteration', async () => {
      const doubled = toWebReadable(range(1, 3)).pipeThrough(
        new TransformStream<number, number>({ transform: (n, c) => c.enqueue(n * 2) }),
      );
      const items: number[] = [];
      for await (const n of doubled as unknown as AsyncIterable<number>) items.push(n);
      expect(items).toEqual([2, 4, 6]);
    });
  });
});
