import { describe, expect, it } from 'vitest';
import { flowOf } from '../../src/Flow';
import { subscribeOn } from '../../src/operators/subscribeOn';
import type { Scheduler } from '../../src/schedulers/Scheduler';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { range } from '../../src/sources/range';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { spyUpstream } from '../support/spyUpstream';

const gc = (globalThis as { gc?: () => void }).gc;

async function collectGarbage(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve)); // WeakRef targets survive until the job ends
    gc!();
  }
}

describe('subscribeOn', () => {
  const contractClock = new VirtualTimeScheduler();
  operatorContract('subscribeOn', {
    apply: (source) => subscribeOn<number>(contractClock)(source),
    settle: () => contractClock.runUntilIdle(),
  });

  describe('behaviour', () => {
    it('subscribes to the source from a scheduler task, not from subscribe', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(2);
      subscribeOn<number>(clock)(upstream).subscribe(s);
      expect(upstream.subscriberCount).toBe(0);
      expect(s.log).toEqual(['subscribe', 'request(2)']); // the downstream has its subscription at once
      clock.runNext();
      expect(upstream.subscriberCount).toBe(1);
      expect(upstream.requests).toEqual([2]); // demand from before the subscription goes with it
    });

    it('delivers items and completion where the source emits them, unmoved', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>('unbounded');
      subscribeOn<number>(clock)(upstream).subscribe(s);
      clock.runUntilIdle();
      upstream.next(1, 2);
      expect(s.values).toEqual([1, 2]); // synchronously, from the test's own call
      upstream.complete();
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(1)', 'next(2)', 'complete']);
    });

    it('runs a synchronous source inside the scheduler task', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>('unbounded');
      range(0, 3).pipe(subscribeOn(clock)).subscribe(s);
      expect(s.values).toEqual([]);
      clock.runNext();
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(0)', 'next(1)', 'next(2)', 'complete']);
    });
  });

  describe('demand', () => {
    it('forwards later requests from a scheduler task, added up per tick', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>(1);
      spyUpstream(range(0, 10), s.log).pipe(subscribeOn(clock)).subscribe(s);
      clock.runUntilIdle();
      expect(s.log).toEqual(['subscribe', 'request(1)', 'up.request(1)', 'next(0)']);
      s.request(2);
      s.request(3);
      expect(s.log.slice(4)).toEqual(['request(2)', 'request(3)']); // nothing upstream yet
      clock.runNext();
      expect(s.log.slice(6)).toEqual(['up.request(5)', 'next(1)', 'next(2)', 'next(3)', 'next(4)', 'next(5)']);
      expect(s.violations).toEqual([]);
    });

    it('keeps demand requested before the subscription and asks for it once', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      subscribeOn<number>(clock)(upstream).subscribe(s);
      s.request(2);
      s.request(Number.MAX_SAFE_INTEGER);
      clock.runUntilIdle();
      expect(upstream.requests.length).toBe(1);
      expect(upstream.totalRequested).toBe(Infinity); // §3.17 saturates (a foreign publisher sees MAX_SAFE_INTEGER)
    });

    it('requests nothing upstream when nothing was requested', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      subscribeOn<number>(clock)(upstream).subscribe(s);
      clock.runUntilIdle();
      expect(upstream.subscriberCount).toBe(1);
      expect(upstream.requests).toEqual([]);
    });
  });

  describe('errors', () => {
    it('passes a source error through', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      subscribeOn<number>(clock)(upstream).subscribe(s);
      clock.runUntilIdle();
      upstream.error(new Error('boom'));
      expect(s.log).toEqual(['subscribe', 'request(1)', 'error(Error: boom)']);
    });

    it('signals onError(RangeError) for an invalid request before the source subscribed, and never subscribes it', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      subscribeOn<number>(clock)(upstream).subscribe(s);
      s.request(0);
      expect(s.error).toBeInstanceOf(RangeError);
      expect(s.error?.message).toMatch(/^§3\.9:/);
      clock.runUntilIdle();
      expect(upstream.subscriberCount).toBe(0);
      expect(clock.pending).toBe(0);
    });

    it('drops a source error that arrives after cancel (onErrorDropped)', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const reported = captureReportedErrors();
      try {
        const s = new TestSubscriber<number>(1);
        subscribeOn<number>(clock)(upstream).subscribe(s);
        clock.runUntilIdle();
        s.cancel();
        upstream.error(new Error('late'));
        expect(s.log).toEqual(['subscribe', 'request(1)', 'cancel']);
        expect(reported.dropped).toEqual([new Error('late')]);
        expect(reported.errors).toEqual([]);
      } finally {
        reported.restore();
      }
    });
  });

  describe('cancellation', () => {
    it('withdraws the scheduled subscription when cancelled first: the source is never subscribed', () => {
      const clock = new VirtualTimeScheduler();
      let subscribed = 0;
      const source = flowOf<number>((subscriber) => {
        subscribed++;
        subscriber.onSubscribe({ request: () => {}, cancel: () => {} });
      });
      const s = new TestSubscriber<number>(1);
      source.pipe(subscribeOn(clock)).subscribe(s);
      s.cancel();
      expect(clock.pending).toBe(0);
      clock.runUntilIdle();
      expect(subscribed).toBe(0);
    });

    it('cancels the source and withdraws a pending request task', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      subscribeOn<number>(clock)(upstream).subscribe(s);
      clock.runUntilIdle();
      s.request(3);
      expect(clock.pending).toBe(1);
      s.cancel();
      expect(upstream.cancelled).toBe(true);
      expect(clock.pending).toBe(0);
      expect(upstream.requests).toEqual([]);
    });

    it('releases the subscriber while the subscription is still scheduled (§3.13)', async () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const ref = (() => {
        const s = new TestSubscriber<number>(1);
        subscribeOn<number>(clock)(upstream).subscribe(s);
        s.cancel();
        return new WeakRef(s);
      })();
      await collectGarbage();
      expect(ref.deref()).toBe(undefined);
    });
  });

  describe('empty and edge cases', () => {
    it('completes an empty source from the scheduler task', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>();
      range(0, 0).pipe(subscribeOn(clock)).subscribe(s);
      expect(s.completed).toBe(false);
      clock.runNext();
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('schedules nothing when cancelled inside onSubscribe', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>({ onSubscribe: (sub) => sub.cancel() });
      range(0, 3).pipe(subscribeOn(clock)).subscribe(s);
      expect(clock.pending).toBe(0);
    });

    it('keeps forwarding requests on a scheduler that runs tasks synchronously', () => {
      const immediate: Scheduler = { now: () => 0, schedule: (task) => (task(), () => {}) };
      const s = new TestSubscriber<number>(1);
      range(0, 5).pipe(subscribeOn(immediate)).subscribe(s);
      expect(s.values).toEqual([0]);
      s.request(2);
      s.request(2);
      expect(s.values).toEqual([0, 1, 2, 3, 4]);
      expect(s.completed).toBe(true);
    });

    it('rejects a missing or malformed scheduler at assembly time', () => {
      expect(() => subscribeOn(undefined as unknown as Scheduler)).toThrow(TypeError);
      expect(() => subscribeOn({ now: () => 0 } as Scheduler)).toThrow(/subscribeOn: scheduler must have/);
    });
  });
});
