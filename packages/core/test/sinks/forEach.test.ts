import { describe, expect, it } from 'vitest';
import { range } from '../../src/sources/range';
import { forEach } from '../../src/sinks/forEach';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { collectGarbage, failAfter, SignalSpy, tick } from './spy';

describe('forEach', () => {
  describe('behaviour', () => {
    it('calls fn with each item and its index, then resolves', async () => {
      const seen: string[] = [];
      await expect(forEach(range(5, 3), (x, i) => void seen.push(`${i}:${x}`))).resolves.toBeUndefined();
      expect(seen).toEqual(['0:5', '1:6', '2:7']);
    });

    it('waits for the promise fn returns before the next item', async () => {
      const log: string[] = [];
      await forEach(range(0, 3), async (x) => {
        log.push(`start(${x})`);
        await tick();
        log.push(`end(${x})`);
      });
      expect(log).toEqual(['start(0)', 'end(0)', 'start(1)', 'end(1)', 'start(2)', 'end(2)']);
    });
  });

  describe('demand', () => {
    it('requests prefetch, then 75% of it each time that many items are done', async () => {
      const spy = new SignalSpy();
      await forEach(spy.wrap(range(0, 10)), () => {}, { prefetch: 4 });
      expect(spy.log).toEqual([
        'request(4)', 'next(0)', 'next(1)', 'next(2)',
        'request(3)', 'next(3)', 'next(4)', 'next(5)',
        'request(3)', 'next(6)', 'next(7)', 'next(8)',
        'request(3)', 'next(9)', 'complete',
      ]);
    });

    it('holds at most prefetch items for a slow async consumer of a fast 100,000-item range', async () => {
      const spy = new SignalSpy();
      spy.recordNext = false;
      let maxWaiting = 0;
      await forEach(
        spy.wrap(range(0, 100_000)),
        async () => {
          maxWaiting = Math.max(maxWaiting, spy.inFlight - 1); // received but fn not yet called
          await null;
          spy.done();
        },
        { prefetch: 16 },
      );
      expect(spy.finished).toBe(100_000);
      expect(spy.maxInFlight).toBeLessThanOrEqual(16);
      expect(maxWaiting).toBeLessThanOrEqual(15);
      expect(Math.max(...spy.requests)).toBe(16);
      expect(spy.requests.slice(1).every((n) => n === 12)).toBe(true);
    });

    it('uses a default prefetch of 256', async () => {
      const spy = new SignalSpy();
      await forEach(spy.wrap(range(0, 1)), () => {});
      expect(spy.requests).toEqual([256]);
    });
  });

  describe('errors', () => {
    it('rejects with the upstream error after the items received before it', async () => {
      const seen: number[] = [];
      const boom = new Error('boom');
      await expect(
        forEach(failAfter([1, 2], boom), async (x) => {
          await tick();
          seen.push(x);
        }),
      ).rejects.toBe(boom);
      expect(seen).toEqual([1, 2]);
    });

    it('cancels upstream and rejects with what fn threw', async () => {
      const upstream = new TestPublisher<number>();
      const promise = forEach(upstream, (x) => {
        if (x === 2) throw new Error('fn failed');
      });
      upstream.next(1, 2, 3);
      await expect(promise).rejects.toThrow('fn failed');
      expect(upstream.cancelled).toBe(true);
    });

    it('cancels upstream, drops waiting items and rejects when fn rejects', async () => {
      const upstream = new TestPublisher<number>();
      const seen: number[] = [];
      const promise = forEach(upstream, async (x) => {
        seen.push(x);
        await tick();
        throw new Error(`rejected at ${x}`);
      });
      upstream.next(1, 2, 3);
      await expect(promise).rejects.toThrow('rejected at 1');
      expect(seen).toEqual([1]);
      expect(upstream.cancelled).toBe(true);
    });

    it('rejects invalid arguments at call time', () => {
      expect(() => forEach(range(0, 1), 'x' as never)).toThrow(TypeError);
      expect(() => forEach(range(0, 1), () => {}, { prefetch: 0 })).toThrow(RangeError);
      expect(() => forEach(range(0, 1), () => {}, { prefetch: Infinity })).toThrow(RangeError);
      expect(() => forEach(range(0, 1), () => {}, { signal: 'x' as never })).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels upstream and rejects with the reason when the signal aborts', async () => {
      const upstream = new TestPublisher<number>();
      const controller = new AbortController();
      const seen: number[] = [];
      const promise = forEach(upstream, async (x) => {
        seen.push(x);
        await tick();
      }, { signal: controller.signal });
      upstream.next(1, 2, 3);
      controller.abort(new Error('stop'));
      await expect(promise).rejects.toThrow('stop');
      await tick();
      expect(upstream.cancelled).toBe(true);
      expect(seen).toEqual([1]);
    });

    it('never subscribes when the signal is already aborted', async () => {
      const upstream = new TestPublisher<number>();
      const reason = new Error('already');
      await expect(forEach(upstream, () => {}, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      expect(upstream.subscriberCount).toBe(0);
    });

    it('releases fn once the signal aborts (§3.13)', async () => {
      const upstream = new TestPublisher<number>();
      const controller = new AbortController();
      const { promise, ref } = ((): { promise: Promise<void>; ref: WeakRef<object> } => {
        const fn = (): void => {};
        return { promise: forEach(upstream, fn, { signal: controller.signal }), ref: new WeakRef(fn) };
      })();
      controller.abort();
      await expect(promise).rejects.toThrow();
      await collectGarbage();
      expect(ref.deref()).toBeUndefined();
    });
  });

  describe('empty and edge cases', () => {
    it('resolves for an empty source without calling fn', async () => {
      let calls = 0;
      await forEach(range(0, 0), () => void calls++);
      expect(calls).toBe(0);
    });
  });
});
