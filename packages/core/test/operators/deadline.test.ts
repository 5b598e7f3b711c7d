import { describe, expect, it } from 'vitest';
import { deadline } from '../../src/operators/deadline';
import { TimeoutError } from '../../src/operators/timeout';
import type { Scheduler } from '../../src/schedulers/Scheduler';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { interval } from '../../src/sources/interval';
import { range } from '../../src/sources/range';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { spyUpstream } from '../support/spyUpstream';
import { collectGarbage } from '../support/collectGarbage';
import { timedSubscriber } from '../support/timedSubscriber';

describe('deadline', () => {
  operatorContract('deadline', {
    apply: (source) => deadline<number>(1000, { scheduler: new VirtualTimeScheduler() })(source),
  });

  describe('behaviour', () => {
    it('passes a stream through that finishes within its budget', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = timedSubscriber(clock, 'unbounded');
      deadline<number>(50, { scheduler: clock })(upstream).subscribe(s);
      clock.advanceBy(20);
      upstream.next(1);
      clock.advanceBy(29);
      upstream.complete();
      clock.advanceBy(100);
      expect(s.log).toEqual(['0: subscribe', '0: request(Infinity)', '20: next(1)', '49: complete']);
      expect(clock.pending).toBe(0);
    });

    it('abandons a stream that outlives its budget however steadily it emits', () => {
      const clock = new VirtualTimeScheduler();
      const s = timedSubscriber(clock, 'unbounded');
      spyUpstream(interval(10, { scheduler: clock }), s.log).pipe(deadline(35, { scheduler: clock })).subscribe(s);
      clock.advanceBy(100);
      expect(s.log).toEqual([
        '0: subscribe', '0: request(Infinity)', '0: up.request(Infinity)', '10: next(0)', '20: next(1)', '30: next(2)',
        '35: up.cancel', '35: error(TimeoutError: deadline: the stream did not finish within its 35 ms budget; upstream cancelled)',
      ]);
      expect(s.error).toBeInstanceOf(TimeoutError);
      expect((s.error as TimeoutError).ms).toBe(35);
      expect(clock.pending).toBe(0); // the interval's own timer went with the cancel
    });
  });

  describe('demand', () => {
    it('passes requests through unchanged', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>(2);
      spyUpstream(range(0, 10), s.log).pipe(deadline(50, { scheduler: clock })).subscribe(s);
      s.request(3);
      expect(s.log).toEqual(['subscribe', 'request(2)', 'up.request(2)', 'next(0)', 'next(1)', 'request(3)', 'up.request(3)',
        'next(2)', 'next(3)', 'next(4)']);
    });

    it('runs the budget even while nothing is requested', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = timedSubscriber(clock);
      deadline<number>(30, { scheduler: clock })(upstream).subscribe(s);
      clock.advanceBy(30);
      expect(s.log).toEqual(['0: subscribe', expect.stringMatching(/^30: error\(TimeoutError: deadline/)]);
      expect(upstream.cancelled).toBe(true);
    });
  });

  describe('errors', () => {
    it('passes an upstream error through and withdraws the budget timer', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      deadline<number>(30, { scheduler: clock })(upstream).subscribe(s);
      upstream.error(new Error('boom'));
      expect(s.log).toEqual(['subscribe', 'request(1)', 'error(Error: boom)']);
      expect(clock.pending).toBe(0);
    });

    it('drops late items and a late error from the abandoned, cancelled upstream', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>({ allow: { ignoreCancel: true } });
      const reported = captureReportedErrors();
      try {
        const s = new TestSubscriber<number>('unbounded');
        deadline<number>(30, { scheduler: clock })(upstream).subscribe(s);
        clock.advanceBy(30);
        upstream.next(1);
        upstream.error(new Error('late'));
        expect(s.count).toBe(0);
        expect(s.error).toBeInstanceOf(TimeoutError);
        expect(reported.dropped).toEqual([new Error('late')]);
        expect(reported.errors).toEqual([]);
        expect(s.violations).toEqual([]);
      } finally {
        reported.restore();
      }
    });
  });

  describe('cancellation', () => {
    it('cancels upstream and withdraws the budget timer', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      deadline<number>(30, { scheduler: clock })(upstream).subscribe(s);
      expect(clock.pending).toBe(1);
      s.cancel();
      expect(upstream.cancelled).toBe(true);
      expect(clock.pending).toBe(0);
      clock.advanceBy(100);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'cancel']);
    });

    it('releases the subscriber while the budget was running (§3.13)', async () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const ref = (() => {
        const s = new TestSubscriber<number>(1);
        deadline<number>(30, { scheduler: clock })(upstream).subscribe(s);
        s.cancel();
        upstream.subscriber = null; // a real publisher drops its subscriber on cancel
        return new WeakRef(s);
      })();
      await collectGarbage();
      expect(ref.deref()).toBe(undefined);
    });
  });

  describe('empty and edge cases', () => {
    it('completes an empty source and starts no timer', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>('unbounded');
      range(0, 0).pipe(deadline(10, { scheduler: clock })).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'complete']);
      expect(clock.pending).toBe(0);
    });

    it('starts no timer when cancelled inside onSubscribe', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>({ onSubscribe: (sub) => sub.cancel() });
      deadline<number>(10, { scheduler: clock })(new TestPublisher<number>()).subscribe(s);
      expect(clock.pending).toBe(0);
    });

    it('rejects a bad ms or scheduler at assembly time', () => {
      for (const ms of [0, -1, NaN, Infinity]) expect(() => deadline(ms)).toThrow(RangeError);
      expect(() => deadline(5, { scheduler: { schedule: () => () => {} } as unknown as Scheduler })).toThrow(TypeError);
    });
  });
});
