import { describe, expect, it } from 'vitest';
import { range } from '../../src/sources/range';
import { EmptyError } from '../../src/sinks/EmptyError';
import { lastValue } from '../../src/sinks/lastValue';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { failAfter, SignalSpy } from './spy';

describe('lastValue', () => {
  describe('behaviour', () => {
    it('resolves with the last item on completion', async () => {
      await expect(lastValue(range(1, 3))).resolves.toBe(3);
    });
  });

  describe('demand', () => {
    it('requests unbounded once', async () => {
      const spy = new SignalSpy();
      await lastValue(spy.wrap(range(0, 2)));
      expect(spy.log).toEqual(['request(Infinity)', 'next(0)', 'next(1)', 'complete']);
    });
  });

  describe('errors', () => {
    it('rejects with the upstream error even after items', async () => {
      const boom = new Error('boom');
      await expect(lastValue(failAfter([1, 2], boom))).rejects.toBe(boom);
    });
  });

  describe('cancellation', () => {
    it('cancels upstream and rejects with the abort reason', async () => {
      const upstream = new TestPublisher<number>();
      const controller = new AbortController();
      const promise = lastValue(upstream, { signal: controller.signal });
      upstream.next(1);
      controller.abort(new Error('gave up'));
      await expect(promise).rejects.toThrow('gave up');
      expect(upstream.cancelled).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('rejects with EmptyError for an empty source, or resolves with defaultValue', async () => {
      await expect(lastValue(range(0, 0))).rejects.toBeInstanceOf(EmptyError);
      await expect(lastValue(range(0, 0), { defaultValue: 'none' })).resolves.toBe('none');
    });
  });
});
