import { describe, expect, it } from 'vitest';
import { take } from '../../src/operators/take';
import { range } from '../../src/sources/range';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { spyUpstream } from '../support/spyUpstream';

describe('take', () => {
  operatorContract('take', {
    apply: (source) => take<number>(10)(source),
    upstreamBound: (n) => Math.min(n, 10),
  });

  describe('behaviour', () => {
    it('emits the first n items, then cancels upstream before completing', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(1, 10).pipe((source) => spyUpstream(source, s.log), take(3)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'up.request(3)', 'next(1)', 'next(2)', 'next(3)', 'up.cancel', 'complete']);
      expect(s.violations).toEqual([]);
    });

    it('completes with the source when the source has fewer than n items', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(1, 2).pipe(take(5)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(1)', 'next(2)', 'complete']);
    });

    it('stops an infinite source', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(0, Infinity).pipe(take(4)).subscribe(s);
      expect(s.values).toEqual([0, 1, 2, 3]);
      expect(s.completed).toBe(true);
    });
  });

  describe('demand', () => {
    it('caps request(Infinity) at the items that remain', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(2);
      take<number>(5)(upstream).subscribe(s);
      upstream.next(1, 2);
      s.request(Infinity);
      expect(upstream.requests).toEqual([2, 3]);
    });

    it('never requests more than n in total upstream and drops requests beyond the cap', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      take<number>(4)(upstream).subscribe(s);
      s.request(2);
      s.request(5);
      s.request(1);
      expect(upstream.requests).toEqual([2, 2]);
      expect(upstream.totalRequested).toBe(4);
    });

    it('passes requests through unchanged for take(Infinity)', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      take<number>(Infinity)(upstream).subscribe(s);
      s.request(3);
      s.request(Infinity);
      expect(upstream.requests).toEqual([3, Number.MAX_SAFE_INTEGER]); // the boundary adapter's unbounded
    });

    it('keeps upstream demand within n and delivery within demand over 200 seeded random request scripts', () => {
      let seed = 12345;
      const random = (bound: number) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % bound;
      };
      for (let run = 0; run < 200; run++) {
        const n = random(8);
        const upstream = new TestPublisher<number>();
        const s = new TestSubscriber<number>();
        take<number>(n)(upstream).subscribe(s);
        for (let step = 0; step < 6 && !s.terminated; step++) {
          s.request(random(4) === 0 ? Infinity : 1 + random(3));
          const available = Math.min(upstream.outstanding, 1 + random(3));
          for (let i = 0; i < available && !upstream.cancelled; i++) upstream.next(i);
        }
        expect(upstream.totalRequested).toBeLessThanOrEqual(n);
        expect(s.count).toBeLessThanOrEqual(n);
        expect(s.completed).toBe(s.count === n);
        expect(s.violations).toEqual([]);
      }
    });

    it('ignores requests after it completed', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      take<number>(1)(upstream).subscribe(s);
      upstream.next(9);
      s.request(4);
      s.request(-1);
      expect(upstream.requests).toEqual([1]);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(9)', 'complete', 'request(4)', 'request(-1)']);
    });
  });

  describe('errors', () => {
    it('validates a request itself: an invalid one cancels upstream and signals §3.9, never a capped number', () => {
      const s = new TestSubscriber<number>(1);
      const upstream = new TestPublisher<number>();
      take<number>(3)(spyUpstream(upstream, s.log)).subscribe(s);
      s.request(-5);
      expect(s.log).toEqual([
        'subscribe',
        'request(1)',
        'up.request(1)',
        'request(-5)',
        'up.cancel',
        'error(RangeError: §3.9: request(n) needs a positive integer or Infinity (non-positive subscription request), got -5)',
      ]);
      expect(upstream.requests).toEqual([1]);
      expect(upstream.cancelled).toBe(true);
    });

    it('signals §3.9 for an invalid request even when nothing remains to request', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(2);
      take<number>(2)(upstream).subscribe(s);
      s.request(1.5);
      expect(s.error).toBeInstanceOf(RangeError);
      expect(upstream.requests).toEqual([2]);
      expect(upstream.cancelled).toBe(true);
    });

    it('passes an upstream error through before n items', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(5);
      take<number>(3)(upstream).subscribe(s);
      upstream.next(1);
      upstream.error(new Error('early'));
      expect(s.log).toEqual(['subscribe', 'request(5)', 'next(1)', 'error(Error: early)']);
    });

    it('rejects a negative, fractional or NaN count at assembly time', () => {
      expect(() => take(-1)).toThrow(RangeError);
      expect(() => take(1.5)).toThrow(RangeError);
      expect(() => take(NaN)).toThrow(RangeError);
      expect(() => take('3' as never)).toThrow(RangeError);
    });
  });

  describe('cancellation', () => {
    it('cancels upstream on cancel and ignores later requests', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      take<number>(5)(upstream).subscribe(s);
      s.cancel();
      s.request(2);
      expect(upstream.cancelled).toBe(true);
      expect(upstream.requests).toEqual([1]);
    });

    it('does not complete after downstream cancelled inside the last onNext', () => {
      const s = new TestSubscriber<number>({ initialRequest: 'unbounded', onNext: (x, sub) => x === 1 && sub.cancel() });
      range(0, 5).pipe((source) => spyUpstream(source, s.log), take(2)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'up.request(2)', 'next(0)', 'next(1)', 'cancel', 'up.cancel']);
    });
  });

  describe('empty and edge cases', () => {
    it('take(0) cancels upstream and completes right after onSubscribe, without requesting', () => {
      const s = new TestSubscriber<number>();
      range(0, 5).pipe((source) => spyUpstream(source, s.log), take(0)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'up.cancel', 'complete']);
    });

    it('take(0) forwards no request made inside onSubscribe', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(0, 5).pipe((source) => spyUpstream(source, s.log), take(0)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'up.cancel', 'complete']);
      expect(s.violations).toEqual([]);
    });

    it('take(0) does not complete when downstream cancelled inside onSubscribe', () => {
      const s = new TestSubscriber<number>({ onSubscribe: (sub) => sub.cancel() });
      range(0, 5).pipe((source) => spyUpstream(source, s.log), take(0)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'cancel', 'up.cancel']);
    });
  });
});
