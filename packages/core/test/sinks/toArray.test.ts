import { describe, expect, it } from 'vitest';
import { range } from '../../src/sources/range';
import { toArray } from '../../src/sinks/toArray';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { collectGarbage, failAfter, SignalSpy } from './spy';

describe('toArray', () => {
  describe('behaviour', () => {
    it('resolves with every item in order', async () => {
      await expect(toArray(range(1, 3))).resolves.toEqual([1, 2, 3]);
    });

    it('collects from a foreign Publisher', async () => {
      const upstream = new TestPublisher<string>();
      const promise = toArray(upstream);
      upstream.next('a', 'b');
      upstream.complete();
      await expect(promise).resolves.toEqual(['a', 'b']);
    });
  });

  describe('demand', () => {
    it('requests limit + 1 once, so an overrun is detectable', async () => {
      const spy = new SignalSpy();
      await toArray(spy.wrap(range(0, 2)), { limit: 5 });
      expect(spy.log).toEqual(['request(6)', 'next(0)', 'next(1)', 'complete']);
    });

    it('requests 100,001 by default and unbounded for limit Infinity', async () => {
      const spy = new SignalSpy();
      await toArray(spy.wrap(range(0, 1)));
      await toArray(spy.wrap(range(0, 1)), { limit: Infinity });
      expect(spy.requests).toEqual([100_001, Infinity]);
    });
  });

  describe('errors', () => {
    it('cancels upstream and rejects with a RangeError naming the limit when the source emits more', async () => {
      const spy = new SignalSpy();
      const promise = toArray(spy.wrap(range(0, 10)), { limit: 3 });
      await expect(promise).rejects.toThrow(RangeError);
      await expect(promise).rejects.toThrow(/more than 3 items/);
      expect(spy.log).toEqual(['request(4)', 'next(0)', 'next(1)', 'next(2)', 'next(3)', 'cancel']);
    });

    it('accepts exactly limit items', async () => {
      await expect(toArray(range(0, 3), { limit: 3 })).resolves.toEqual([0, 1, 2]);
    });

    it('rejects with the upstream error', async () => {
      const boom = new Error('boom');
      await expect(toArray(failAfter([1], boom))).rejects.toBe(boom);
    });

    it('rejects invalid options at call time', () => {
      expect(() => toArray(range(0, 1), { limit: 0 })).toThrow(RangeError);
      expect(() => toArray(range(0, 1), { limit: 2.5 })).toThrow(RangeError);
      expect(() => toArray(range(0, 1), 'x' as never)).toThrow(TypeError);
      expect(() => toArray({} as never)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels upstream and rejects with the abort reason', async () => {
      const upstream = new TestPublisher<number>();
      const controller = new AbortController();
      const promise = toArray(upstream, { signal: controller.signal });
      upstream.next(1);
      controller.abort(new Error('enough'));
      await expect(promise).rejects.toThrow('enough');
      expect(upstream.cancelled).toBe(true);
    });

    it('releases the collected items after an abort (§3.13)', async () => {
      const upstream = new TestPublisher<object>();
      const controller = new AbortController();
      const promise = toArray(upstream, { signal: controller.signal });
      const ref = ((): WeakRef<object> => {
        const item = {};
        upstream.next(item);
        return new WeakRef(item);
      })();
      controller.abort();
      await expect(promise).rejects.toThrow();
      await collectGarbage();
      expect(ref.deref()).toBeUndefined();
    });
  });

  describe('empty and edge cases', () => {
    it('resolves with [] for an empty source', async () => {
      await expect(toArray(range(0, 0))).resolves.toEqual([]);
    });
  });
});
