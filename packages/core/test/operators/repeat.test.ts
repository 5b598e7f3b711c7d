import { describe, expect, it } from 'vitest';
import { Flow } from '../../src/Flow';
import type { Subscriber } from '../../src/spec/Subscriber';
import { repeat } from '../../src/operators/repeat';
import { empty } from '../../src/sources/empty';
import { range } from '../../src/sources/range';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { isCollected } from '../support/collectGarbage';
import { spyUpstream } from '../support/spyUpstream';

describe('repeat', () => {
  operatorContract('repeat', { apply: (source) => repeat<number>(2)(source) });

  describe('behaviour', () => {
    it('subscribes again after each completion, count times in all', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(1, 2).pipe(repeat(3)).subscribe(s);
      expect(s.values).toEqual([1, 2, 1, 2, 1, 2]);
      expect(s.completed).toBe(true);
    });

    it('repeats forever by default, until cancelled', () => {
      const s = new TestSubscriber<number>({ initialRequest: 'unbounded', onNext: (_, sub) => sub.count === 7 && sub.cancel() });
      range(0, 3).pipe(repeat()).subscribe(s);
      expect(s.values).toEqual([0, 1, 2, 0, 1, 2, 0]);
      expect(s.terminated).toBe(false);
    });
  });

  describe('demand', () => {
    it('asks each new subscription for exactly the demand still outstanding', () => {
      const s = new TestSubscriber<number>(3);
      spyUpstream(range(0, 2), s.log).pipe(repeat(3)).subscribe(s);
      expect(s.log).toEqual([
        'subscribe', 'request(3)', 'up.request(3)', 'next(0)', 'next(1)', 'up.request(1)', 'next(0)',
      ]);
      s.request(4);
      expect(s.log.slice(7)).toEqual(['request(4)', 'up.request(4)', 'next(1)', 'up.request(3)', 'next(0)', 'next(1)', 'complete']);
      expect(s.violations).toEqual([]);
    });

    it('keeps requests made between two subscriptions and forwards them to the next one', () => {
      const first = new TestPublisher<number>();
      const second = new TestPublisher<number>();
      let waiting: Subscriber<number> | null = null;
      let subscriptions = 0;
      const source = new Flow<number>((subscriber) => {
        if (subscriptions++ === 0) first.subscribe(subscriber);
        else waiting = subscriber; // the second subscription gets its onSubscribe later
      });
      const s = new TestSubscriber<number>(1);
      source.pipe(repeat(2)).subscribe(s);
      first.next(1);
      first.complete();
      s.request(2);
      s.request(3);
      second.subscribe(waiting!);
      expect(second.requests).toEqual([5]);
      second.next(2, 3);
      second.complete();
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(1)', 'request(2)', 'request(3)', 'next(2)', 'next(3)', 'complete']);
    });

    it('uses constant stack for a million synchronous empty repetitions', () => {
      const s = new TestSubscriber<number>('unbounded');
      empty<number>().pipe(repeat(1_000_000)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'complete']);
    });

    it('keeps onNext depth at 1 across synchronous repetitions requested one by one', () => {
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      range(0, 1).pipe(repeat(10_000)).subscribe(s);
      expect(s.count).toBe(10_000);
      expect(s.maxOnNextDepth).toBe(1);
      expect(s.completed).toBe(true);
    });
  });

  describe('errors', () => {
    it('reports an error an upstream sends after its own completion (§1.7) instead of failing the next round', () => {
      // A source that breaks §1.7 inside subscribe (completes, then errors): the error is reported, never delivered
      // (the subscriber boundary in front of the stage and the stage's own §1.7 check agree on that).
      const broken = new Error('after complete');
      const source = new Flow<number>((subscriber: Subscriber<number>) => {
        subscriber.onSubscribe({ request: () => {}, cancel: () => {} });
        subscriber.onNext(1);
        subscriber.onComplete();
        subscriber.onError(broken);
      });
      const captured = captureReportedErrors();
      try {
        const s = new TestSubscriber<number>('unbounded');
        source.pipe(repeat(2)).subscribe(s);
        expect(s.values).toEqual([1, 1]);
        expect(s.completed).toBe(true);
        expect(s.error).toBeNull();
        expect(captured.errors).toEqual([broken, broken]);
        expect(captured.dropped).toEqual([]);
      } finally {
        captured.restore();
      }
    });

    it('ends the whole stream on a source error, without resubscribing', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>('unbounded');
      repeat<number>(5)(upstream).subscribe(s);
      upstream.next(1);
      upstream.error(new Error('boom'));
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(1)', 'error(Error: boom)']);
      expect(upstream.subscriberCount).toBe(1);
    });

    it('signals §3.9 for an invalid request while waiting between subscriptions, and subscribes no more', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      const reported = captureReportedErrors();
      try {
        repeat<number>(3)(upstream).subscribe(s);
        s.request(-1);
        expect(s.error?.message).toMatch(/^§3\.9:/);
        expect(upstream.cancelled).toBe(true);
      } finally {
        reported.restore();
      }
    });

    it('rejects a negative or fractional count at assembly', () => {
      expect(() => repeat(-1)).toThrow(RangeError);
      expect(() => repeat(1.5)).toThrow(RangeError);
      expect(() => repeat(NaN)).toThrow(RangeError);
    });
  });

  describe('cancellation', () => {
    it('cancels the current subscription and makes no further one', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      repeat<number>(3)(upstream).subscribe(s);
      upstream.next(1);
      s.cancel();
      expect(upstream.cancelled).toBe(true);
      expect(upstream.subscriberCount).toBe(1);
    });

    it('releases the subscriber after cancel (§3.13)', async () => {
      const ref = (() => {
        const s = new TestSubscriber<number>(1);
        range(0, 3).pipe(repeat()).subscribe(s);
        s.cancel();
        return new WeakRef(s);
      })();
      expect(await isCollected(ref)).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('completes at once without subscribing for repeat(0)', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      repeat<number>(0)(upstream).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
      expect(upstream.subscriberCount).toBe(0);
    });

    it('is the source itself for repeat(1)', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(0, 2).pipe(repeat(1)).subscribe(s);
      expect(s.values).toEqual([0, 1]);
      expect(s.completed).toBe(true);
    });
  });
});
