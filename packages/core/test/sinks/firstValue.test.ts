import { describe, expect, it } from 'vitest';
import { range } from '../../src/sources/range';
import { EmptyError } from '../../src/sinks/EmptyError';
import { firstValue } from '../../src/sinks/firstValue';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { failAfter, SignalSpy } from './spy';

describe('firstValue', () => {
  describe('behaviour', () => {
    it('resolves with the first item', async () => {
      await expect(firstValue(range(7, 100))).resolves.toBe(7);
    });
  });

  describe('demand', () => {
    it('requests one item and cancels right after it', async () => {
      const spy = new SignalSpy();
      await firstValue(spy.wrap(range(0, 100)));
      expect(spy.log).toEqual(['request(1)', 'next(0)', 'cancel']);
    });
  });

  describe('errors', () => {
    it('rejects with the upstream error', async () => {
      const boom = new Error('boom');
      await expect(firstValue(failAfter([], boom))).rejects.toBe(boom);
    });

    it('rejects invalid options at call time', () => {
      expect(() => firstValue(range(0, 1), { signal: 1 as never })).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels upstream and rejects with the abort reason', async () => {
      const upstream = new TestPublisher<number>();
      const controller = new AbortController();
      const promise = firstValue(upstream, { signal: controller.signal });
      controller.abort(new Error('gave up'));
      await expect(promise).rejects.toThrow('gave up');
      expect(upstream.cancelled).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('rejects with EmptyError for an empty source', async () => {
      const promise = firstValue(range(0, 0));
      await expect(promise).rejects.toBeInstanceOf(EmptyError);
      await expect(promise).rejects.toThrow(/^firstValue: the source completed without emitting any item/);
    });

    it('resolves with defaultValue for an empty source, undefined included', async () => {
      await expect(firstValue(range(0, 0), { defaultValue: -1 })).resolves.toBe(-1);
      await expect(firstValue(range(0, 0), { defaultValue: undefined })).resolves.toBeUndefined();
    });
  });
});
