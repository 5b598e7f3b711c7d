import { describe, expect, it } from 'vitest';
import { timeout, TimeoutError } from '../../src/operators/timeout';
import type { Scheduler } from '../../src/schedulers/Scheduler';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { range } from '../../src/sources/range';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';

const gc = (globalThis as { gc?: () => void }).gc;

async function collectGarbage(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve)); // WeakRef targets survive until the job ends
    gc!();
  }
}

/** A TestSubscriber whose log entries carry the virtual time: `10: next(1)`. */
function timedSubscriber(clock: VirtualTimeScheduler, initialRequest: number | 'unbounded' = 0): TestSubscriber<number> {
  const s = new TestSubscriber<number>({ initialRequest });
  const push = s.log.push.bind(s.log);
  const stamped = (...entries: string[]) => push(...entries.map((entry) => `${clock.now()}: ${entry}`));
  Object.defineProperty(s.log, 'push', { value: stamped, enumerable: false }); // invisible to toEqual
  return s;
}

describe('timeout', () => {
  operatorContract('timeout', {
    apply: (source) => timeout<number>(1000, { scheduler: new VirtualTimeScheduler() })(source),
  });

  describe('behaviour', () => {
    it('passes items through while each arrives within ms of the previous one', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = timedSubscriber(clock, 'unbounded');
      timeout<number>(10, { scheduler: clock })(upstream).subscribe(s);
      clock.advanceBy(9);
      upstream.next(1);
      clock.advanceBy(9);
      upstream.next(2);
      upstream.complete();
      clock.advanceBy(100);
      expect(s.log).toEqual(['0: subscribe', '0: request(Infinity)', '9: next(1)', '18: next(2)', '18: complete']);
      expect(clock.pending).toBe(0);
    });

    it('cancels upstream and signals TimeoutError when the first item is late', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = timedSubscriber(clock, 1);
      timeout<number>(10, { scheduler: clock })(upstream).subscribe(s);
      clock.advanceBy(9);
      expect(s.log).toEqual(['0: subscribe', '0: request(1)']);
      clock.advanceBy(1);
      expect(s.log.slice(2)).toEqual(['10: error(TimeoutError: timeout: the first item did not arrive within 10 ms; upstream cancelled)']);
      expect(upstream.cancelled).toBe(true);
      expect(s.error).toBeInstanceOf(TimeoutError);
      expect((s.error as TimeoutError).ms).toBe(10);
    });

    it('restarts the clock after each item and names the late one', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = timedSubscriber(clock, 'unbounded');
      timeout<number>(10, { scheduler: clock })(upstream).subscribe(s);
      clock.advanceBy(5);
      upstream.next(1);
      clock.advanceBy(8);
      upstream.next(2);
      clock.advanceBy(20);
      expect(s.log.slice(2)).toEqual([
        '5: next(1)', '13: next(2)', '23: error(TimeoutError: timeout: item 3 did not arrive within 10 ms; upstream cancelled)',
      ]);
    });

    it('switches to the fallback on timeout and continues from it', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = timedSubscriber(clock, 'unbounded');
      timeout<number>(10, { scheduler: clock, fallback: range(100, 2) })(upstream).subscribe(s);
      upstream.next(1);
      clock.advanceBy(10);
      expect(s.log).toEqual(['0: subscribe', '0: request(Infinity)', '0: next(1)', '10: next(100)', '10: next(101)', '10: complete']);
      expect(upstream.cancelled).toBe(true);
    });

    it('does not time the fallback', () => {
      const clock = new VirtualTimeScheduler();
      const fallback = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      timeout<number>(10, { scheduler: clock, fallback })(new TestPublisher<number>()).subscribe(s);
      clock.advanceBy(10);
      expect(fallback.subscriberCount).toBe(1);
      clock.advanceBy(1000);
      expect(s.terminated).toBe(false);
      fallback.next(7);
      expect(s.values).toEqual([7]);
    });
  });

  describe('demand', () => {
    it('does not run the clock while nothing is requested', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = timedSubscriber(clock);
      timeout<number>(10, { scheduler: clock })(upstream).subscribe(s);
      clock.advanceBy(100);
      expect(clock.pending).toBe(0);
      s.request(1);
      clock.advanceBy(10);
      expect(s.log).toEqual([
        '0: subscribe', '100: request(1)', '110: error(TimeoutError: timeout: the first item did not arrive within 10 ms; upstream cancelled)',
      ]);
    });

    it('stops the clock when the demand is used up and restarts it on the next request', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = timedSubscriber(clock, 1);
      timeout<number>(10, { scheduler: clock })(upstream).subscribe(s);
      clock.advanceBy(3);
      upstream.next(1);
      expect(clock.pending).toBe(0);
      clock.advanceBy(500);
      s.request(1);
      clock.advanceBy(10);
      expect(s.log.slice(2)).toEqual([
        '3: next(1)', '503: request(1)', '513: error(TimeoutError: timeout: item 2 did not arrive within 10 ms; upstream cancelled)',
      ]);
    });

    it('does not restart a running clock for more demand', () => {
      const clock = new VirtualTimeScheduler();
      const s = timedSubscriber(clock, 1);
      timeout<number>(10, { scheduler: clock })(new TestPublisher<number>()).subscribe(s);
      clock.advanceBy(6);
      s.request(1);
      clock.advanceBy(4);
      expect(s.error).toBeInstanceOf(TimeoutError);
      expect(s.log.at(-1)).toMatch(/^10: error/);
    });

    it('asks the fallback for exactly the demand still outstanding, and forwards later requests to it', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const fallback = new TestPublisher<number>();
      const s = new TestSubscriber<number>(5);
      timeout<number>(10, { scheduler: clock, fallback })(upstream).subscribe(s);
      upstream.next(1, 2);
      clock.advanceBy(10);
      expect(fallback.requests).toEqual([3]);
      s.request(4);
      expect(fallback.requests).toEqual([3, 4]);
      fallback.next(3, 4, 5, 6, 7, 8, 9);
      fallback.complete();
      expect(s.values).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(s.completed).toBe(true);
      expect(s.violations).toEqual([]);
    });
  });

  describe('errors', () => {
    it('passes an upstream error through and withdraws the timer', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      timeout<number>(10, { scheduler: clock })(upstream).subscribe(s);
      upstream.error(new Error('boom'));
      expect(s.log).toEqual(['subscribe', 'request(1)', 'error(Error: boom)']);
      expect(clock.pending).toBe(0);
    });

    it('passes a fallback error through', () => {
      const clock = new VirtualTimeScheduler();
      const fallback = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      timeout<number>(10, { scheduler: clock, fallback })(new TestPublisher<number>()).subscribe(s);
      clock.advanceBy(10);
      fallback.error(new Error('fallback failed'));
      expect(s.log).toEqual(['subscribe', 'request(1)', 'error(Error: fallback failed)']);
    });

    it('signals onError(RangeError) for an invalid request, cancels upstream and withdraws the timer', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      timeout<number>(10, { scheduler: clock })(upstream).subscribe(s);
      s.request(-1);
      expect(s.error?.message).toMatch(/^§3\.9:/);
      expect(upstream.cancelled).toBe(true);
      expect(clock.pending).toBe(0);
    });

    it('drops an error from the abandoned, cancelled upstream after the switch (onErrorDropped)', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>({ allow: { ignoreCancel: true } });
      const reported = captureReportedErrors();
      try {
        const s = new TestSubscriber<number>(1);
        timeout<number>(10, { scheduler: clock, fallback: range(0, 1) })(upstream).subscribe(s);
        clock.advanceBy(10);
        upstream.error(new Error('late'));
        expect(s.log).toEqual(['subscribe', 'request(1)', 'next(0)', 'complete']);
        expect(reported.dropped).toEqual([new Error('late')]);
        expect(reported.errors).toEqual([]);
      } finally {
        reported.restore();
      }
    });
  });

  describe('cancellation', () => {
    it('cancels upstream and withdraws the timer', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      timeout<number>(10, { scheduler: clock })(upstream).subscribe(s);
      expect(clock.pending).toBe(1);
      s.cancel();
      expect(upstream.cancelled).toBe(true);
      expect(clock.pending).toBe(0);
      clock.advanceBy(100);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'cancel']);
    });

    it('cancels the fallback once switched', () => {
      const clock = new VirtualTimeScheduler();
      const fallback = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      timeout<number>(10, { scheduler: clock, fallback })(new TestPublisher<number>()).subscribe(s);
      clock.advanceBy(10);
      s.cancel();
      expect(fallback.cancelled).toBe(true);
    });

    it('releases the subscriber while the timer was pending (§3.13)', async () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const ref = (() => {
        const s = new TestSubscriber<number>(1);
        timeout<number>(10, { scheduler: clock })(upstream).subscribe(s);
        s.cancel();
        upstream.subscriber = null; // a real publisher drops its subscriber on cancel
        return new WeakRef(s);
      })();
      await collectGarbage();
      expect(ref.deref()).toBe(undefined);
    });
  });

  describe('empty and edge cases', () => {
    it('completes an empty source and leaves no timer behind', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>('unbounded');
      range(0, 0).pipe(timeout(10, { scheduler: clock })).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'complete']);
      expect(clock.pending).toBe(0);
    });

    it('ignores a timer that fires after the stream completed', () => {
      const clock = new VirtualTimeScheduler();
      let fire: (() => void) | null = null;
      const stubborn: Scheduler = { now: () => clock.now(), schedule: (task) => ((fire = task), () => {}) }; // cannot withdraw
      const s = new TestSubscriber<number>(1);
      const upstream = new TestPublisher<number>();
      timeout<number>(10, { scheduler: stubborn })(upstream).subscribe(s);
      upstream.complete();
      fire!();
      expect(s.log).toEqual(['subscribe', 'request(1)', 'complete']);
    });

    it('rejects a bad ms, scheduler or fallback at assembly time', () => {
      for (const ms of [0, -1, NaN, Infinity]) expect(() => timeout(ms)).toThrow(RangeError);
      expect(() => timeout(5, { scheduler: {} as Scheduler })).toThrow(TypeError);
      expect(() => timeout(5, { fallback: {} as never })).toThrow(/expected a Publisher/);
    });

    it('names its error TimeoutError with the budget in ms', () => {
      const error = new TimeoutError('x', 25);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('TimeoutError');
      expect(error.ms).toBe(25);
    });
  });
});
