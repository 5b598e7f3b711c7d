import { describe, expect, it } from 'vitest';
import type { Operator } from '../../src/Flow';
import { toFlow } from '../../src/internal/lift';
import type { Scheduler } from '../../src/schedulers/Scheduler';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { isCollected } from '../support/collectGarbage';

export interface TimeOperatorContractOptions {
  /** Builds the operator with a window of `ms` on `scheduler` (any other argument fixed by the caller). */
  build: (ms: number, scheduler: Scheduler) => Operator<number, unknown>;
}

/**
 * What every time operator (debounce, throttle, sample, bufferTime, delay) promises alike, on virtual time: a
 * failure is news and is never delayed; cancellation and termination withdraw every timer, so nothing scheduled
 * keeps the subscriber reachable (§3.13) or signals after the end (§1.7, §2.8); invalid windows and schedulers are
 * rejected at assembly; §3.9 holds. Call it once per operator, inside its describe block.
 */
export function timeOperatorContract(name: string, { build }: TimeOperatorContractOptions): void {
  const MS = 10;
  const setup = (initialRequest: number | 'unbounded' = 'unbounded') => {
    const clock = new VirtualTimeScheduler();
    const upstream = new TestPublisher<number>();
    const s = new TestSubscriber<unknown>({ initialRequest });
    toFlow(upstream).pipe(build(MS, clock)).subscribe(s);
    return { clock, upstream, s };
  };

  describe(`${name}: time operator contract`, () => {
    it('signals an upstream error at once, before any timer fires, discarding what waits, and leaves no timer', () => {
      const { clock, upstream, s } = setup();
      upstream.next(1, 2);
      clock.advanceBy(MS / 2);
      upstream.next(3);
      const emitted = [...s.values]; // what the operator lets through at once (throttle's leading item)
      const failure = new Error('upstream failed');
      upstream.error(failure);
      expect(s.error).toBe(failure);
      expect(s.values).toEqual(emitted); // what waited for time is discarded, not flushed ahead of the error
      expect(clock.pending).toBe(0);
      const before = [...s.log];
      clock.advanceBy(MS * 10);
      expect(s.log).toEqual(before);
      expect(s.violations).toEqual([]);
    });

    it('withdraws every timer on cancel and signals nothing afterwards, however far time moves', () => {
      const { clock, upstream, s } = setup();
      upstream.next(1, 2, 3);
      expect(clock.pending).toBeGreaterThan(0); // something is waiting for time
      s.cancel();
      expect(upstream.cancelled).toBe(true);
      expect(clock.pending).toBe(0);
      const before = [...s.log];
      clock.advanceBy(MS * 10);
      upstream.next(4); // in flight after cancel: dropped (§2.8)
      upstream.complete();
      clock.advanceBy(MS * 10);
      expect(s.log).toEqual(before);
      expect(s.violations).toEqual([]);
    });

    it('completes once time has run out after upstream completion, then leaves no timer and signals nothing more', () => {
      const { clock, upstream, s } = setup();
      upstream.next(1, 2, 3);
      upstream.complete();
      clock.runUntilIdle();
      expect(s.completed).toBe(true);
      expect(clock.pending).toBe(0);
      const before = [...s.log];
      clock.advanceBy(MS * 10);
      expect(s.log).toEqual(before);
      expect(s.violations).toEqual([]);
    });

    it('completes an empty upstream without waiting for a window, leaving no timer', () => {
      const { clock, upstream, s } = setup();
      upstream.complete();
      expect(s.completed).toBe(true); // no time passed: nothing to wait for
      expect(s.values).toEqual([]);
      expect(clock.pending).toBe(0);
    });

    it('releases the subscriber once cancelled with items waiting for a timer (§3.13)', async () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const ref = ((): WeakRef<object> => {
        const s = new TestSubscriber<unknown>('unbounded');
        toFlow(upstream).pipe(build(MS, clock)).subscribe(s);
        upstream.next(1, 2);
        s.cancel();
        return new WeakRef(s);
      })();
      upstream.subscriber = null; // the TestPublisher keeps its last subscriber on purpose; a real one drops it
      expect(clock.pending).toBe(0);
      expect(await isCollected(ref)).toBe(true);
    });

    it('signals onError(RangeError) for request(0), cancels upstream and leaves no timer (§3.9)', () => {
      const { clock, upstream, s } = setup(1);
      upstream.next(1); // something in flight for time: a timer is armed
      s.request(0);
      clock.runUntilIdle();
      expect(s.error).toBeInstanceOf(RangeError);
      expect(s.error?.message).toMatch(/^§3\.9/);
      expect(upstream.cancelled).toBe(true);
      expect(clock.pending).toBe(0);
      expect(s.violations).toEqual([]);
    });

    it('rejects a negative, NaN or infinite window and a scheduler without now/schedule at assembly', () => {
      const clock = new VirtualTimeScheduler();
      for (const ms of [-1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => build(ms, clock), `ms = ${ms}`).toThrow(RangeError);
      expect(() => build(MS, { schedule: () => () => {} } as unknown as Scheduler)).toThrow(TypeError);
    });
  });
}
