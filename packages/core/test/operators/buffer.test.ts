import { describe, expect, it } from 'vitest';
import { flowOf } from '../../src/Flow';
import { isInspectable } from '../../src/internal/inspect';
import { buffer } from '../../src/operators/buffer';
import { range } from '../../src/sources/range';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { isReleased, recorded } from './_helpers/flatten';

describe('buffer', () => {
  operatorContract('buffer', {
    apply: (source) => buffer(3)(source),
    upstreamBound: (n) => n * 3,
    itemsPerOutput: 3,
  });

  describe('behaviour', () => {
    it('collects items into arrays of count and emits the partial last one on completion', () => {
      const s = new TestSubscriber<number[]>('unbounded');
      range(1, 5).pipe(buffer(2)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(1,2)', 'next(3,4)', 'next(5)', 'complete']);
    });

    it('emits arrays of one for count 1', () => {
      const s = new TestSubscriber<number[]>('unbounded');
      range(1, 2).pipe(buffer(1)).subscribe(s);
      expect(s.values).toEqual([[1], [2]]);
    });
  });

  describe('demand', () => {
    it('requests n × count upstream for request(n)', () => {
      const s = new TestSubscriber<number[]>();
      const upstream = new TestPublisher<number>();
      buffer<number>(3)(recorded('up', upstream, s.log)).subscribe(s);
      s.request(2);
      upstream.next(1, 2, 3, 4);
      s.request(1);
      upstream.next(5, 6, 7, 8, 9);
      expect(s.log).toEqual(['subscribe', 'request(2)', 'up.request(6)', 'next(1,2,3)', 'request(1)', 'up.request(3)', 'next(4,5,6)', 'next(7,8,9)']);
      expect(s.violations).toEqual([]);
    });

    it('emits the partial array on completion within the demand already granted', () => {
      const s = new TestSubscriber<number[]>(2);
      range(0, 4).pipe(buffer(3)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(2)', 'next(0,1,2)', 'next(3)', 'complete']);
      expect(s.violations).toEqual([]);
    });

    it('saturates to unbounded when n × count is too large', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number[]>();
      buffer<number>(1000)(upstream).subscribe(s);
      s.request(Math.floor(Number.MAX_SAFE_INTEGER / 100));
      expect(upstream.requests).toEqual([Number.MAX_SAFE_INTEGER]);
    });

    it('reports the filling array through inspect()', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number[]>(2);
      buffer<number>(4)(upstream).subscribe(s);
      upstream.next(1, 2, 3, 4, 5);
      const snapshot = isInspectable(s.subscription) ? s.subscription.inspect() : null;
      expect(snapshot).toEqual({
        stage: 'buffer',
        capacity: 4,
        buffered: 1,
        requested: 1,
        upstreamRequested: 3,
        received: 5,
        emitted: 1,
        dropped: 0,
        terminated: false,
        cancelled: false,
      });
    });
  });

  describe('errors', () => {
    it('drops the partial array and passes an upstream error on', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number[]>(1);
      buffer<number>(3)(upstream).subscribe(s);
      upstream.next(1, 2);
      upstream.error(new Error('boom'));
      expect(s.log).toEqual(['subscribe', 'request(1)', 'error(Error: boom)']);
    });

    it('turns request(n) that would be valid once multiplied into a §3.9 error', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number[]>();
      buffer<number>(2)(upstream).subscribe(s);
      s.request(1.5);
      expect(s.error).toBeInstanceOf(RangeError);
      expect(s.error?.message).toMatch(/^§3\.9:/);
      expect(upstream.cancelled).toBe(true);
    });

    it('delivers the waiting array, then fails with §1.1 and cancels an upstream that fills a second one without demand', () => {
      // A Flow built from a bare subscribe function is trusted (no strict adapter), so it can over-deliver here.
      let cancelled = false;
      let emit: (value: number) => void = () => {};
      const upstream = flowOf<number>((subscriber) => {
        subscriber.onSubscribe({ request: () => {}, cancel: () => (cancelled = true) });
        emit = (value) => subscriber.onNext(value);
      });
      const s = new TestSubscriber<number[]>(0);
      buffer<number>(2)(upstream).subscribe(s);
      for (const value of [1, 2, 3, 4]) emit(value); // nothing was requested: the second full array breaks §1.1
      expect(s.values).toEqual([]);
      expect(cancelled).toBe(true);
      s.request(1);
      expect(s.values).toEqual([[1, 2]]);
      expect(s.error?.message).toMatch(/^§1\.1: buffer received onNext beyond the requested demand/);
    });

    it('derives terminated and cancelled in inspect() from the engine lifecycle', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number[]>(1);
      buffer<number>(2)(upstream).subscribe(s);
      const subscription = s.subscription!;
      upstream.next(1);
      upstream.complete();
      const done = isInspectable(subscription) ? subscription.inspect() : null;
      expect(done).toMatchObject({ buffered: 0, upstreamRequested: 0, received: 1, emitted: 1, terminated: true, cancelled: false });
      const other = new TestSubscriber<number[]>(1);
      buffer<number>(2)(new TestPublisher<number>()).subscribe(other);
      const live = other.subscription!;
      other.cancel();
      const cancelled = isInspectable(live) ? live.inspect() : null;
      expect(cancelled).toMatchObject({ terminated: false, cancelled: true });
    });

    it('validates count at assembly time', () => {
      for (const bad of [0, -1, 1.5, Infinity, NaN]) expect(() => buffer(bad)).toThrow(RangeError);
    });
  });

  describe('cancellation', () => {
    it('cancels upstream and releases the subscriber (§3.13)', async () => {
      const upstream = new TestPublisher<number>();
      const ref = (() => {
        const s = new TestSubscriber<number[]>(1);
        buffer<number>(3)(upstream).subscribe(s);
        upstream.next(1);
        s.cancel();
        return new WeakRef(s);
      })();
      expect(upstream.cancelled).toBe(true);
      upstream.subscriber = null; // TestPublisher keeps its last subscriber on purpose; a real source drops it
      expect(await isReleased(ref)).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('completes without an array for an empty source', () => {
      const s = new TestSubscriber<number[]>(1);
      range(0, 0).pipe(buffer(3)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'complete']);
    });

    it('does not emit an empty array when the items fill the last array exactly', () => {
      const s = new TestSubscriber<number[]>('unbounded');
      range(0, 4).pipe(buffer(2)).subscribe(s);
      expect(s.values).toEqual([
        [0, 1],
        [2, 3],
      ]);
      expect(s.completed).toBe(true);
    });
  });
});
