import { describe, expect, it } from 'vitest';
import { type StageSnapshot } from '../../src/internal/inspect';
import { limitRate } from '../../src/operators/limitRate';
import { range } from '../../src/sources/range';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { spyUpstream } from '../support/spyUpstream';
import { snapshot } from '../support/snapshot';

/** The real buffer behind the snapshot, read directly so the test compares the snapshot with the truth. */
function realBufferSize(s: { subscription: unknown }): number {
  return (s.subscription as unknown as { buffer: { size: number } }).buffer.size;
}

describe('limitRate', () => {
  operatorContract('limitRate', {
    apply: (source) => limitRate<number>(8)(source),
    upstreamBound: () => 8,
  });

  describe('behaviour', () => {
    it('passes every item through in order', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(0, 100).pipe(limitRate(7)).subscribe(s);
      expect(s.values).toEqual(Array.from({ length: 100 }, (_, i) => i));
      expect(s.completed).toBe(true);
    });
  });

  describe('demand', () => {
    it('requests high first, then low each time low items were delivered', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(0, 10).pipe((source) => spyUpstream(source, s.log), limitRate(4, 2)).subscribe(s);
      expect(s.log).toEqual([
        'subscribe', 'request(Infinity)', 'up.request(4)',
        'next(0)', 'next(1)', 'up.request(2)', 'next(2)', 'next(3)', 'up.request(2)', 'next(4)', 'next(5)', 'up.request(2)',
        'next(6)', 'next(7)', 'up.request(2)', 'next(8)', 'next(9)', 'up.request(2)', 'complete',
      ]);
    });

    it('runs 1,000,000 synchronous items through in batches without growing the stack', () => {
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      s.recordLog = false;
      s.keepValues = false;
      range(0, 1_000_000).pipe(limitRate(32)).subscribe(s);
      expect(s.count).toBe(1_000_000);
      expect(s.completed).toBe(true);
      expect(s.maxOnNextDepth).toBe(1);
    });

    it('replenishes 75% of high by default, and when low equals high', () => {
      for (const operator of [limitRate<number>(100), limitRate<number>(100, 100)]) {
        const upstream = new TestPublisher<number>();
        const s = new TestSubscriber<number>('unbounded');
        operator(upstream).subscribe(s);
        upstream.next(...Array.from({ length: 100 }, (_, i) => i));
        expect(upstream.requests).toEqual([100, 75]);
      }
    });

    it('replenishes the whole batch only once it was delivered when low is 0', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>('unbounded');
      limitRate<number>(10, 0)(upstream).subscribe(s);
      upstream.next(...Array.from({ length: 9 }, (_, i) => i));
      expect(upstream.requests).toEqual([10]);
      upstream.next(9);
      expect(upstream.requests).toEqual([10, 10]);
    });

    it('never has more than high outstanding upstream plus buffered, with a slow consumer', () => {
      const high = 16;
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      limitRate<number>(high)(upstream).subscribe(s);
      for (let round = 0; round < 2000; round++) {
        while (upstream.outstanding > 0) upstream.next(round);
        const shot = snapshot(s);
        expect(shot.buffered + upstream.outstanding).toBeLessThanOrEqual(high);
        expect(shot.buffered).toBeLessThanOrEqual(high);
        s.request(1 + (round % 5));
      }
      expect(s.count).toBeGreaterThan(5000);
      expect(s.error).toBeNull();
      expect(s.violations).toEqual([]);
    });
  });

  describe('errors', () => {
    it('signals an upstream error after the buffered items', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      limitRate<number>(4)(upstream).subscribe(s);
      upstream.next(1, 2);
      upstream.error(new Error('boom'));
      s.request(5);
      expect(s.log).toEqual(['subscribe', 'request(5)', 'next(1)', 'next(2)', 'error(Error: boom)']);
    });

    it('rejects invalid high and low at assembly time', () => {
      expect(() => limitRate(0)).toThrow(RangeError);
      expect(() => limitRate(1.5)).toThrow(RangeError);
      expect(() => limitRate(Infinity)).toThrow(RangeError);
      expect(() => limitRate(4, 5)).toThrow(RangeError);
      expect(() => limitRate(4, -1)).toThrow(RangeError);
    });
  });

  describe('cancellation', () => {
    it('cancels upstream and discards the buffer', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      limitRate<number>(4)(upstream).subscribe(s);
      upstream.next(1, 2);
      s.cancel();
      expect(upstream.cancelled).toBe(true);
      expect(snapshot(s)).toMatchObject({ buffered: 0, cancelled: true });
    });
  });

  describe('empty and edge cases', () => {
    it('completes for an empty upstream', () => {
      const s = new TestSubscriber<number>();
      range(0, 0).pipe(limitRate(4)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('reports a snapshot matching a scripted request and emit sequence', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      limitRate<number>(4, 2)(upstream).subscribe(s);
      const steps: [() => void, Partial<StageSnapshot>][] = [
        [() => {}, { capacity: 4, buffered: 0, requested: 0, upstreamRequested: 4 }],
        [() => upstream.next(1, 2, 3), { buffered: 3, upstreamRequested: 1, received: 3 }],
        [() => s.request(1), { buffered: 2, requested: 0, emitted: 1, upstreamRequested: 1 }],
        [() => s.request(1), { buffered: 1, emitted: 2, upstreamRequested: 3 }],
        [() => upstream.next(4, 5, 6), { buffered: 4, upstreamRequested: 0 }],
        [() => s.request(10), { buffered: 0, requested: 6, emitted: 6, upstreamRequested: 4 }],
      ];
      for (const [step, expected] of steps) {
        step();
        expect(snapshot(s)).toMatchObject({ stage: 'limitRate', ...expected });
        expect(snapshot(s).buffered).toBe(realBufferSize(s));
      }
    });
  });
});
