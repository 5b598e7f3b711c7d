import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { DrainSubscription, Flow, map, range, toAsyncIterable, type Subscriber } from '@sluice/core';
import { fromReadable } from '@sluice/node';
import { settle, watchdog } from './helpers';

/** A demand-driven counter source that records how far it got and whether it was cancelled. */
function counting(total: number, stats: { produced: number; cancelled: boolean }): Flow<number> {
  return new Flow<number>((subscriber) => {
    subscriber.onSubscribe(
      new (class extends DrainSubscription<number> {
        protected emitSome(downstream: Subscriber<number>): void {
          while (this.requested > 0 && stats.produced < total) {
            this.requested--;
            downstream.onNext(stats.produced++);
            if (this.cancelled) return;
          }
          if (stats.produced === total) this.complete();
        }
        protected override dispose(): void {
          if (stats.produced < total) stats.cancelled = true;
        }
      })(subscriber),
    );
  });
}

describe('interop through core async iteration', () => {
  describe('behaviour', () => {
    it('Readable.from(flow) reads a flow through Flow[Symbol.asyncIterator]', async () => {
      const items: number[] = [];
      for await (const n of Readable.from(range(0, 5).pipe(map((n) => n * 2)))) items.push(n as number);
      expect(items).toEqual([0, 2, 4, 6, 8]);
    });

    it('for await over fromReadable reads a Node stream through sluice', async () => {
      const items: string[] = [];
      for await (const s of fromReadable<string>(Readable.from(['x', 'y', 'z']))) items.push(s);
      expect(items).toEqual(['x', 'y', 'z']);
    });
  });

  describe('demand', () => {
    it('Readable.from(toAsyncIterable(flow, { prefetch })) stays within prefetch plus the readable buffer', async () => {
      const stats = { produced: 0, cancelled: false };
      const readable = Readable.from(toAsyncIterable(counting(10_000, stats), { prefetch: 8 }));
      readable.on('readable', () => {});
      await settle(10);
      // Readable.from keeps 1 item (its object-mode high-water mark) and the iterator at most `prefetch`.
      expect(stats.produced).toBeLessThanOrEqual(1 + 8 + 1);
      readable.destroy();
      await settle();
      expect(stats.cancelled).toBe(true);
    });
  });

  describe('cancellation', () => {
    it('breaking out of for await cancels the flow', async () => {
      const stats = { produced: 0, cancelled: false };
      for await (const n of counting(1_000_000, stats)) if (n === 3) break;
      expect(stats.cancelled).toBe(true);
    });

    it('a failing destination in stream.pipeline cancels a Readable.from(flow) source', async () => {
      const stats = { produced: 0, cancelled: false };
      const sink = new Writable({ objectMode: true, write: (_c, _e, cb) => cb(new Error('nope')) });
      await expect(watchdog(pipeline(Readable.from(counting(1_000_000, stats)), sink))).rejects.toThrow('nope');
      await settle();
      expect(stats.cancelled).toBe(true);
    });
  });
});
