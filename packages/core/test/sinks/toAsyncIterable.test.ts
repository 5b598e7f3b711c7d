import { describe, expect, it } from 'vitest';
import { range } from '../../src/sources/range';
import { toAsyncIterable } from '../../src/sinks/toAsyncIterable';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { collectGarbage, failAfter, SignalSpy, tick } from './spy';

describe('toAsyncIterable', () => {
  describe('behaviour', () => {
    it('yields every item to for await, then ends', async () => {
      const seen: number[] = [];
      for await (const x of toAsyncIterable(range(1, 3))) seen.push(x);
      expect(seen).toEqual([1, 2, 3]);
    });

    it('makes every Flow iterable with for await', async () => {
      const seen: number[] = [];
      for await (const x of range(0, 3)) seen.push(x);
      expect(seen).toEqual([0, 1, 2]);
      expect(range(0, 1)[Symbol.asyncIterator]().inspect().capacity).toBe(256);
    });

    it('subscribes afresh for each iterator, only on the first next()', async () => {
      const upstream = new TestPublisher<number>();
      const iterable = toAsyncIterable(upstream);
      const iterator = iterable[Symbol.asyncIterator]();
      expect(upstream.subscriberCount).toBe(0);
      const first = iterator.next();
      expect(upstream.subscriberCount).toBe(1);
      upstream.next(42);
      await expect(first).resolves.toEqual({ done: false, value: 42 });
      iterable[Symbol.asyncIterator]().next();
      expect(upstream.subscriberCount).toBe(2);
    });

    it('serves overlapping next() calls in order', async () => {
      const upstream = new TestPublisher<number>();
      const iterator = toAsyncIterable(upstream)[Symbol.asyncIterator]();
      const a = iterator.next();
      const b = iterator.next();
      upstream.next(1);
      await tick();
      upstream.next(2);
      upstream.complete();
      expect(await Promise.all([a, b, iterator.next()])).toEqual([
        { done: false, value: 1 }, { done: false, value: 2 }, { done: true, value: undefined },
      ]);
    });
  });

  describe('demand', () => {
    it('requests prefetch, then 75% of it each time that many items were taken', async () => {
      const spy = new SignalSpy();
      const seen: number[] = [];
      for await (const x of toAsyncIterable(spy.wrap(range(0, 10)), { prefetch: 4 })) seen.push(x);
      expect(seen).toHaveLength(10);
      expect(spy.log).toEqual([
        'request(4)', 'next(0)', 'next(1)', 'next(2)', 'next(3)',
        'request(3)', 'next(4)', 'next(5)', 'next(6)',
        'request(3)', 'next(7)', 'next(8)', 'next(9)', 'complete',
      ]);
    });

    it('never buffers more than prefetch items for a slow consumer of a fast 100,000-item range', async () => {
      const spy = new SignalSpy();
      spy.recordNext = false;
      const iterator = toAsyncIterable(spy.wrap(range(0, 100_000)), { prefetch: 16 })[Symbol.asyncIterator]();
      let maxBuffered = 0;
      let maxCredit = 0;
      let count = 0;
      for (;;) {
        const result = await iterator.next();
        if (result.done) break;
        const snapshot = iterator.inspect();
        maxBuffered = Math.max(maxBuffered, snapshot.buffered);
        maxCredit = Math.max(maxCredit, snapshot.buffered + snapshot.upstreamRequested);
        await null; // the slow part
        spy.done();
        count++;
      }
      expect(count).toBe(100_000);
      expect(maxBuffered).toBeLessThanOrEqual(16);
      expect(maxBuffered).toBeGreaterThan(0);
      expect(maxCredit).toBeLessThanOrEqual(16);
      expect(spy.maxInFlight).toBeLessThanOrEqual(17);
      expect(spy.requests[0]).toBe(16);
      expect(spy.requests.slice(1).every((n) => n === 12)).toBe(true);
    });

    it('reports its buffer through inspect()', async () => {
      const iterator = toAsyncIterable(range(0, 10), { prefetch: 8 })[Symbol.asyncIterator]();
      await iterator.next();
      expect(iterator.inspect()).toMatchObject({ stage: 'toAsyncIterable', capacity: 8, buffered: 7, upstreamRequested: 0, received: 8, emitted: 1 });
    });
  });

  describe('errors', () => {
    it('rejects the pending next() with the upstream error after the buffered items, then is done', async () => {
      const boom = new Error('boom');
      const iterator = toAsyncIterable(failAfter([1, 2], boom))[Symbol.asyncIterator]();
      expect(await iterator.next()).toEqual({ done: false, value: 1 });
      expect(await iterator.next()).toEqual({ done: false, value: 2 });
      await expect(iterator.next()).rejects.toBe(boom);
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
    });

    it('rejects a waiting next() when the error arrives later', async () => {
      const upstream = new TestPublisher<number>();
      const iterator = toAsyncIterable(upstream)[Symbol.asyncIterator]();
      const pending = iterator.next();
      upstream.error(new Error('late failure'));
      await expect(pending).rejects.toThrow('late failure');
    });

    it('throws the error out of for await', async () => {
      const boom = new Error('boom');
      const seen: number[] = [];
      await expect(
        (async () => {
          for await (const x of toAsyncIterable(failAfter([1], boom))) seen.push(x);
        })(),
      ).rejects.toBe(boom);
      expect(seen).toEqual([1]);
    });

    it('rejects invalid options at call time', () => {
      expect(() => toAsyncIterable(range(0, 1), { prefetch: -1 })).toThrow(RangeError);
      expect(() => toAsyncIterable(range(0, 1), { signal: null as never })).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels upstream on break', async () => {
      const spy = new SignalSpy();
      for await (const x of toAsyncIterable(spy.wrap(range(0, 100)), { prefetch: 4 })) {
        if (x === 1) break;
      }
      expect(spy.log).toEqual(['request(4)', 'next(0)', 'next(1)', 'next(2)', 'next(3)', 'cancel']);
    });

    it('cancels upstream when the loop body throws', async () => {
      const upstream = new TestPublisher<number>();
      const loop = (async () => {
        for await (const _ of toAsyncIterable(upstream)) throw new Error('body failed');
      })();
      await tick();
      upstream.next(1);
      await expect(loop).rejects.toThrow('body failed');
      expect(upstream.cancelled).toBe(true);
    });

    it('resolves a waiting next() with done when return() is called', async () => {
      const upstream = new TestPublisher<number>();
      const iterator = toAsyncIterable(upstream)[Symbol.asyncIterator]();
      const pending = iterator.next();
      await expect(iterator.return!()).resolves.toEqual({ done: true, value: undefined });
      await expect(pending).resolves.toEqual({ done: true, value: undefined });
      expect(upstream.cancelled).toBe(true);
    });

    it('cancels and rejects the waiting next() with the abort reason', async () => {
      const upstream = new TestPublisher<number>();
      const controller = new AbortController();
      const iterator = toAsyncIterable(upstream, { signal: controller.signal })[Symbol.asyncIterator]();
      const pending = iterator.next();
      controller.abort(new Error('stop'));
      await expect(pending).rejects.toThrow('stop');
      expect(upstream.cancelled).toBe(true);
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
    });

    // Issue 13 item 8: the 'abort' listener kept an abandoned iterator (and its buffered items) alive for as long as
    // the signal lived, although the stream was over.
    it('lets an iterator abandoned after its upstream completed be collected while the signal lives on', async () => {
      const controller = new AbortController();
      const ref = await (async (): Promise<WeakRef<object>> => {
        const iterator = toAsyncIterable(range(0, 3), { signal: controller.signal, prefetch: 4 })[Symbol.asyncIterator]();
        expect(await iterator.next()).toEqual({ done: false, value: 0 }); // 1 and 2 stay buffered, the stream is over
        return new WeakRef(iterator);
      })();
      await collectGarbage();
      expect(ref.deref()).toBeUndefined();
      expect(controller.signal.aborted).toBe(false); // the signal is still alive and usable
    });

    it('still rejects with the abort reason after the upstream completed, instead of the buffered rest', async () => {
      const controller = new AbortController();
      const iterator = toAsyncIterable(range(0, 3), { signal: controller.signal, prefetch: 4 })[Symbol.asyncIterator]();
      expect(await iterator.next()).toEqual({ done: false, value: 0 });
      controller.abort(new Error('stop'));
      await expect(iterator.next()).rejects.toThrow('stop');
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
      expect(iterator.inspect()).toMatchObject({ buffered: 0 });
    });

    it('never subscribes when the signal is already aborted', async () => {
      const upstream = new TestPublisher<number>();
      const reason = new Error('already');
      const iterator = toAsyncIterable(upstream, { signal: AbortSignal.abort(reason) })[Symbol.asyncIterator]();
      await expect(iterator.next()).rejects.toBe(reason);
      expect(upstream.subscriberCount).toBe(0);
    });

    it('lets the iterator be collected after break (§3.13)', async () => {
      const upstream = new TestPublisher<object>();
      const ref = await (async (): Promise<WeakRef<object>> => {
        const iterator = toAsyncIterable(upstream)[Symbol.asyncIterator]();
        const first = iterator.next();
        upstream.next({});
        await first;
        await iterator.return!();
        return new WeakRef(iterator);
      })();
      await collectGarbage();
      expect(ref.deref()).toBeUndefined();
    });
  });

  describe('empty and edge cases', () => {
    it('ends at once for an empty source', async () => {
      const iterator = toAsyncIterable(range(0, 0))[Symbol.asyncIterator]();
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
    });

    it('ends without subscribing when return() comes before next()', async () => {
      const upstream = new TestPublisher<number>();
      const iterator = toAsyncIterable(upstream)[Symbol.asyncIterator]();
      await iterator.return!();
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
      expect(upstream.subscriberCount).toBe(0);
    });

    it('returns itself from its own Symbol.asyncIterator', () => {
      const iterator = toAsyncIterable(range(0, 1))[Symbol.asyncIterator]();
      expect(iterator[Symbol.asyncIterator]()).toBe(iterator);
    });
  });
});
