import { describe, expect, it } from 'vitest';
import { scan } from '../../src/operators/scan';
import { range } from '../../src/sources/range';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';

describe('scan', () => {
  operatorContract('scan', {
    apply: (source) => scan((sum: number, x: number) => sum + x, 0)(source),
    applyThrowing: (source) =>
      scan((): number => {
        throw new Error('reducer failed');
      }, 0)(source),
  });

  describe('behaviour', () => {
    it('emits each running accumulation, not the seed', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(1, 4).pipe(scan((sum: number, x: number) => sum + x, 0)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(1)', 'next(3)', 'next(6)', 'next(10)', 'complete']);
    });

    it('passes the accumulator, the item and its index to the reducer', () => {
      const s = new TestSubscriber<string>('unbounded');
      range(5, 3).pipe(scan((acc: string, x: number, i: number) => `${acc}|${i}:${x}`, '')).subscribe(s);
      expect(s.values).toEqual(['|0:5', '|0:5|1:6', '|0:5|1:6|2:7']);
    });
  });

  describe('demand', () => {
    it('passes each request upstream unchanged', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      scan((a: number, x: number) => a + x, 0)(upstream).subscribe(s);
      s.request(4);
      expect(upstream.requests).toEqual([1, 4]);
    });
  });

  describe('errors', () => {
    it('signals TypeError and cancels upstream when the reducer returns null', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<unknown>(2);
      scan(() => null, 0 as unknown)(upstream).subscribe(s);
      upstream.next(1);
      expect(s.error?.message).toMatch(/^§2\.13: scan: the reducer returned null/);
      expect(upstream.cancelled).toBe(true);
    });

    it('rejects a non-function reducer or a missing seed at assembly time', () => {
      expect(() => scan(null as never, 0)).toThrow(TypeError);
      expect(() => (scan as (r: unknown) => unknown)((a: number) => a)).toThrow(/seed is required/);
    });
  });

  describe('cancellation', () => {
    it('cancels upstream and emits nothing more', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(3);
      scan((a: number, x: number) => a + x, 0)(upstream).subscribe(s);
      upstream.next(1);
      s.cancel();
      upstream.next(2);
      expect(upstream.cancelled).toBe(true);
      expect(s.values).toEqual([1]);
    });
  });

  describe('empty and edge cases', () => {
    it('starts every subscription from the seed again', () => {
      const flow = range(1, 2).pipe(scan((a: number, x: number) => a + x, 10));
      const first = new TestSubscriber<number>('unbounded');
      const second = new TestSubscriber<number>('unbounded');
      flow.subscribe(first);
      flow.subscribe(second);
      expect(first.values).toEqual([11, 13]);
      expect(second.values).toEqual([11, 13]);
    });
  });
});
