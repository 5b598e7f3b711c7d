import { describe, expect, it } from 'vitest';
import { skip } from '../../src/operators/skip';
import { range } from '../../src/sources/range';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { spyUpstream } from '../support/spyUpstream';

describe('skip', () => {
  operatorContract('skip', {
    apply: (source) => skip<number>(2)(source),
    upstreamBound: (n) => n + 2,
    itemsPerOutput: 3,
  });

  describe('behaviour', () => {
    it('drops the first n items and emits the rest', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(1, 5).pipe(skip(2)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(3)', 'next(4)', 'next(5)', 'complete']);
    });
  });

  describe('demand', () => {
    it('adds n to the first request only, then passes requests through', () => {
      const s = new TestSubscriber<number>();
      range(1, 10).pipe((source) => spyUpstream(source, s.log), skip(3)).subscribe(s);
      s.request(2);
      s.request(1);
      expect(s.log).toEqual(['subscribe', 'request(2)', 'up.request(5)', 'next(4)', 'next(5)', 'request(1)', 'up.request(1)', 'next(6)']);
      expect(s.violations).toEqual([]);
    });

    it('saturates the first request at unbounded', () => {
      const s = new TestSubscriber<number>();
      range(1, 3).pipe((source) => spyUpstream(source, s.log), skip(1)).subscribe(s);
      s.request(Number.MAX_SAFE_INTEGER - 1);
      expect(s.log.slice(0, 3)).toEqual(['subscribe', `request(${Number.MAX_SAFE_INTEGER - 1})`, 'up.request(Infinity)']);
    });
  });

  describe('errors', () => {
    it('forwards an invalid first request unchanged so the source signals §3.9', () => {
      const s = new TestSubscriber<number>();
      range(1, 10).pipe((source) => spyUpstream(source, s.log), skip(3)).subscribe(s);
      s.request(0);
      expect(s.log).toEqual([
        'subscribe',
        'request(0)',
        'up.request(0)',
        'error(RangeError: §3.9: request(n) needs a positive integer or Infinity (non-positive subscription request), got 0)',
      ]);
    });

    it('rejects a negative, fractional or unbounded count at assembly time', () => {
      expect(() => skip(-1)).toThrow(RangeError);
      expect(() => skip(0.5)).toThrow(RangeError);
      expect(() => skip(Infinity)).toThrow(RangeError);
    });

    it('passes an upstream error through while still skipping', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      skip<number>(2)(upstream).subscribe(s);
      upstream.next(1);
      upstream.error(new Error('mid-skip'));
      expect(s.log).toEqual(['subscribe', 'request(1)', 'error(Error: mid-skip)']);
    });
  });

  describe('cancellation', () => {
    it('cancels upstream on cancel', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      skip<number>(2)(upstream).subscribe(s);
      s.cancel();
      expect(upstream.cancelled).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('skip(0) passes everything through with requests unchanged', () => {
      const s = new TestSubscriber<number>(2);
      range(1, 2).pipe((source) => spyUpstream(source, s.log), skip(0)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(2)', 'up.request(2)', 'next(1)', 'next(2)', 'complete']);
    });

    it('completes empty when the source has no more than n items', () => {
      const s = new TestSubscriber<number>(1);
      range(1, 2).pipe(skip(5)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'complete']);
    });
  });
});
