import { describe, expect, it } from 'vitest';
import { throttle, type ThrottleOptions } from '../../src/operators/throttle';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { range } from '../../src/sources/range';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { timeOperatorContract } from '../contract/timeOperatorContract';
import { isCollected } from '../support/collectGarbage';
import { spyUpstream } from '../support/spyUpstream';
import { snapshot } from '../support/snapshot';
import { timedSubscriber } from '../support/timedSubscriber';

function setup(initialRequest: number | 'unbounded', options: Omit<ThrottleOptions, 'scheduler'> = {}, ms = 10) {
  const clock = new VirtualTimeScheduler();
  const upstream = new TestPublisher<number>();
  const s = timedSubscriber(clock, initialRequest);
  spyUpstream(upstream, s.log).pipe(throttle<number>(ms, { ...options, scheduler: clock })).subscribe(s);
  return { clock, upstream, s };
}

/** Sends `value` at virtual time `at`. */
function at(clock: VirtualTimeScheduler, upstream: TestPublisher<number>, time: number, value: number): void {
  clock.advanceTo(time);
  upstream.next(value);
}

describe('throttle', () => {
  const contractClock = new VirtualTimeScheduler();
  operatorContract('throttle', {
    apply: (source) => throttle<number>(10, { scheduler: contractClock })(source),
    settle: () => contractClock.runUntilIdle(),
    upstreamBound: () => Infinity,
  });

  timeOperatorContract('throttle', { build: (ms, scheduler) => throttle<number>(ms, { scheduler }) });
  const trailingClock = new VirtualTimeScheduler();
  operatorContract('throttle (trailing only)', {
    apply: (source) => throttle<number>(10, { leading: false, trailing: true, scheduler: trailingClock })(source),
    settle: () => trailingClock.runUntilIdle(),
    upstreamBound: () => Infinity,
  });

  describe('behaviour', () => {
    it('emits the first item of each window and skips the rest (leading, the default)', () => {
      const { clock, upstream, s } = setup('unbounded');
      at(clock, upstream, 1, 1);
      at(clock, upstream, 5, 2);
      at(clock, upstream, 10, 3);
      at(clock, upstream, 11, 4); // the window opened at 1 closed at 11
      at(clock, upstream, 15, 5);
      expect(s.log).toEqual(['0: subscribe', '0: request(Infinity)', '0: up.request(Infinity)', '1: next(1)', '11: next(4)']);
    });

    it('emits the latest item of a window when it ends, which opens the next window (leading and trailing)', () => {
      const { clock, upstream, s } = setup('unbounded', { trailing: true });
      at(clock, upstream, 0, 1);
      at(clock, upstream, 3, 2);
      at(clock, upstream, 6, 3);
      clock.advanceTo(10);
      expect(s.log.slice(3)).toEqual(['0: next(1)', '10: next(3)']);
      at(clock, upstream, 15, 4); // inside the window opened by the trailing 3
      clock.advanceTo(20);
      expect(s.log.slice(5)).toEqual(['20: next(4)']);
      clock.advanceTo(40);
      expect(clock.pending).toBe(0); // a window without items ends without opening another
    });

    it('emits only window ends with leading: false', () => {
      const { clock, upstream, s } = setup('unbounded', { leading: false, trailing: true });
      at(clock, upstream, 2, 1);
      at(clock, upstream, 4, 2);
      clock.advanceTo(12);
      expect(s.log.slice(3)).toEqual(['12: next(2)']);
    });
  });

  describe('demand', () => {
    it('requests nothing upstream before downstream requests, then an unbounded amount once', () => {
      const { upstream, s } = setup(0);
      expect(upstream.requests).toEqual([]);
      s.request(2);
      s.request(2);
      expect(upstream.requests).toEqual([Number.MAX_SAFE_INTEGER]); // the foreign-publisher adapter's unbounded
    });

    it('drops and counts a selected item that finds no demand, and never emits unrequested', () => {
      const { clock, upstream, s } = setup(1, { trailing: true });
      at(clock, upstream, 0, 1); // leading, requested
      at(clock, upstream, 5, 2); // trailing candidate
      clock.advanceTo(10); // window end: 2 is selected, no demand
      expect(snapshot(s)).toMatchObject({ received: 2, emitted: 1, dropped: 1, requested: 0 });
      s.request(1);
      at(clock, upstream, 25, 3); // a new window, with demand
      expect(s.values).toEqual([1, 3]);
      expect(s.violations).toEqual([]);
    });

    it('serves a synchronous upstream from inside the first request without emitting twice', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>(5);
      range(0, 100).pipe(throttle(10, { scheduler: clock, trailing: true })).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(5)', 'next(0)', 'next(99)', 'complete']);
    });
  });

  describe('errors', () => {
    it('signals an upstream error at once and withdraws the window', () => {
      const { clock, upstream, s } = setup('unbounded', { trailing: true });
      at(clock, upstream, 0, 1);
      at(clock, upstream, 2, 2);
      upstream.error(new Error('boom'));
      expect(s.log.slice(3)).toEqual(['0: next(1)', '2: error(Error: boom)']);
      expect(clock.pending).toBe(0);
    });

    it('rejects bad arguments at assembly', () => {
      expect(() => throttle(0)).toThrow(RangeError);
      expect(() => throttle(NaN)).toThrow(RangeError);
      expect(() => throttle(5, { leading: false, trailing: false })).toThrow(TypeError);
      expect(() => throttle(5, { leading: 'yes' as never })).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('withdraws the window timer and cancels upstream', () => {
      const { clock, upstream, s } = setup('unbounded', { trailing: true });
      upstream.next(1, 2);
      expect(clock.pending).toBe(1);
      s.cancel();
      expect(clock.pending).toBe(0);
      expect(upstream.cancelled).toBe(true);
      clock.advanceBy(100);
      expect(s.log.slice(3)).toEqual(['0: next(1)', '0: cancel', '0: up.cancel']);
    });

    it('releases the subscriber while a window is open (§3.13)', async () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const ref = (() => {
        const s = new TestSubscriber<number>('unbounded');
        throttle<number>(10, { scheduler: clock, trailing: true })(upstream).subscribe(s);
        upstream.next(1, 2);
        s.cancel();
        upstream.subscriber = null;
        return new WeakRef(s);
      })();
      expect(await isCollected(ref)).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('emits a held trailing item at completion when there is demand', () => {
      const { clock, upstream, s } = setup('unbounded', { trailing: true });
      at(clock, upstream, 0, 1);
      at(clock, upstream, 3, 2);
      upstream.complete();
      expect(s.log.slice(3)).toEqual(['0: next(1)', '3: next(2)', '3: complete']);
      expect(clock.pending).toBe(0);
    });

    it('drops a held trailing item at completion when there is no demand, and completes', () => {
      const { clock, upstream, s } = setup(1, { trailing: true });
      at(clock, upstream, 0, 1);
      at(clock, upstream, 3, 2);
      upstream.complete();
      expect(s.log.slice(-2)).toEqual(['0: next(1)', '3: complete']);
      expect(snapshot(s).dropped).toBe(1);
    });

    it('completes at once for an empty source', () => {
      const s = new TestSubscriber<number>(1);
      range(0, 0).pipe(throttle(10, { scheduler: new VirtualTimeScheduler() })).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'complete']);
    });
  });
});
