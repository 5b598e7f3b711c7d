import { describe, expect, it } from 'vitest';
import { Flow } from '../../src/Flow';
import { retry, retryBudget } from '../../src/operators/retry';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { concat } from '../../src/sources/concat';
import { defer } from '../../src/sources/defer';
import { fail } from '../../src/sources/fail';
import { range } from '../../src/sources/range';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { isCollected } from '../support/collectGarbage';
import { spyUpstream } from '../support/spyUpstream';

/** A TestSubscriber whose log entries carry the virtual time: `10: next(1)`. */
function timedSubscriber(clock: VirtualTimeScheduler, initialRequest: number | 'unbounded'): TestSubscriber<number> {
  const s = new TestSubscriber<number>({ initialRequest });
  const push = s.log.push.bind(s.log);
  Object.defineProperty(s.log, 'push', { value: (...e: string[]) => push(...e.map((x) => `${clock.now()}: ${x}`)), enumerable: false });
  return s;
}

/** A source that emits `prefix` items then fails on its first `failures` subscriptions, then emits 0..2 and completes. */
function flaky(failures: number, prefix = 1): { flow: Flow<number>; subscriptions: () => number } {
  let subscriptions = 0;
  const flow = defer(() => (subscriptions++ < failures
    ? concat(range(100, prefix), fail<number>(new Error(`failure ${subscriptions}`)))
    : range(0, 3)));
  return { flow, subscriptions: () => subscriptions };
}

describe('retry', () => {
  // count: 0 so the battery's "passes an upstream error through" sees the error (retrying is tested below).
  operatorContract('retry', { apply: (source) => retry<number>({ count: 0 })(source) });

  describe('behaviour', () => {
    it('resubscribes at once after an error, up to count times', () => {
      const { flow, subscriptions } = flaky(2);
      const s = new TestSubscriber<number>('unbounded');
      flow.pipe(retry({ count: 2 })).subscribe(s);
      expect(s.values).toEqual([100, 100, 0, 1, 2]);
      expect(s.completed).toBe(true);
      expect(subscriptions()).toBe(3);
    });

    it('waits a jittered exponential backoff on the scheduler, step by step in virtual time', () => {
      const clock = new VirtualTimeScheduler();
      const { flow } = flaky(4);
      const randoms = [0, 0.5, 0.999, 0.25];
      const s = timedSubscriber(clock, 'unbounded');
      flow.pipe(retry({
        count: 4, backoff: { initialMs: 100, maxMs: 500, factor: 2, jitter: 0.5 }, scheduler: clock,
        random: () => randoms.shift()!,
      })).subscribe(s);
      // retry 1: 100 * (1 - 0.5) = 50; retry 2: 200 * 1 = 200; retry 3: min(500, 400 * 1.499) = 500;
      // retry 4: base min(500, 800) = 500, * 0.75 = 375
      const times: number[] = [];
      while (clock.runNext()) times.push(clock.now());
      expect(times).toEqual([50, 250, 750, 1125]);
      expect(s.log.filter((e) => e.includes('next')).map((e) => e.split(':')[0])).toEqual(['0', '50', '250', '750', '1125', '1125', '1125']);
      expect(s.completed).toBe(true);
    });

    it('waits exactly initialMs * factor^(k-1), capped at maxMs, without jitter', () => {
      const clock = new VirtualTimeScheduler();
      const { flow } = flaky(5, 0);
      const s = new TestSubscriber<number>('unbounded');
      flow.pipe(retry({ backoff: { initialMs: 10, maxMs: 50, factor: 3, jitter: 0 }, scheduler: clock })).subscribe(s);
      const times: number[] = [];
      while (clock.runNext()) times.push(clock.now());
      expect(times).toEqual([10, 40, 90, 140, 190]); // waits 10, 30, 50, 50, 50
      expect(s.values).toEqual([0, 1, 2]);
    });
  });

  describe('demand', () => {
    it('asks each resubscription for exactly the demand still outstanding, including requests made while waiting', () => {
      const clock = new VirtualTimeScheduler();
      const { flow } = flaky(1, 2);
      const s = timedSubscriber(clock, 3);
      spyUpstream(flow, s.log).pipe(retry({ count: 1, backoff: { initialMs: 10, jitter: 0 }, scheduler: clock })).subscribe(s);
      expect(s.log).toEqual(['0: subscribe', '0: request(3)', '0: up.request(3)', '0: next(100)', '0: next(101)']);
      s.request(4); // while waiting for the backoff: kept
      clock.advanceBy(10);
      expect(s.log.slice(5)).toEqual(['0: request(4)', '10: up.request(5)', '10: next(0)', '10: next(1)', '10: next(2)', '10: complete']);
      expect(s.violations).toEqual([]);
    });

    it('retries synchronous failures from a loop, with constant stack', () => {
      const s = new TestSubscriber<number>('unbounded');
      let attempts = 0;
      const flow = defer(() => (++attempts < 100_000 ? fail<number>(new Error('again')) : range(0, 1)));
      flow.pipe(retry()).subscribe(s);
      expect(s.values).toEqual([0]);
      expect(s.completed).toBe(true);
      expect(attempts).toBe(100_000);
    });
  });

  describe('errors', () => {
    it('signals the last error once the retries are used up', () => {
      const { flow, subscriptions } = flaky(5, 0);
      const s = new TestSubscriber<number>('unbounded');
      flow.pipe(retry({ count: 2 })).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'error(Error: failure 3)']);
      expect(subscriptions()).toBe(3);
    });

    it('signals the error thrown by the random source, and does not resubscribe', () => {
      const { flow, subscriptions } = flaky(1, 0);
      const s = new TestSubscriber<number>('unbounded');
      flow.pipe(retry({
        backoff: { initialMs: 1 }, scheduler: new VirtualTimeScheduler(), random: () => { throw new Error('no entropy'); },
      })).subscribe(s);
      expect(s.error?.message).toBe('no entropy');
      expect(subscriptions()).toBe(1);
    });

    it('signals a RangeError when the random source returns a value outside [0, 1)', () => {
      const { flow } = flaky(1, 0);
      const s = new TestSubscriber<number>('unbounded');
      flow.pipe(retry({ backoff: { initialMs: 1 }, scheduler: new VirtualTimeScheduler(), random: () => 1 })).subscribe(s);
      expect(s.error).toBeInstanceOf(RangeError);
    });

    it('signals §3.9 for an invalid request while waiting for the backoff, and withdraws the wait', () => {
      const clock = new VirtualTimeScheduler();
      const { flow, subscriptions } = flaky(1, 0);
      const s = new TestSubscriber<number>(1);
      flow.pipe(retry({ backoff: { initialMs: 10 }, scheduler: clock, random: () => 0.5 })).subscribe(s);
      expect(clock.pending).toBe(1);
      s.request(0);
      expect(s.error?.message).toMatch(/^§3\.9:/);
      expect(clock.pending).toBe(0);
      clock.runUntilIdle();
      expect(subscriptions()).toBe(1);
    });

    it('rejects bad options at assembly', () => {
      expect(() => retry({ count: -1 })).toThrow(RangeError);
      expect(() => retry({ count: 1.5 })).toThrow(RangeError);
      expect(() => retry({ backoff: { initialMs: -1 } })).toThrow(RangeError);
      expect(() => retry({ backoff: { initialMs: 10, maxMs: 5 } })).toThrow(RangeError);
      expect(() => retry({ backoff: { initialMs: 10, factor: 0.5 } })).toThrow(RangeError);
      expect(() => retry({ backoff: { initialMs: 10, jitter: 2 } })).toThrow(RangeError);
      expect(() => retry({ random: 4 as never })).toThrow(TypeError);
      expect(() => retry(null as never)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('withdraws the scheduled resubscription on cancel', () => {
      const clock = new VirtualTimeScheduler();
      const { flow, subscriptions } = flaky(1, 0);
      const s = new TestSubscriber<number>('unbounded');
      flow.pipe(retry({ backoff: { initialMs: 10 }, scheduler: clock, random: () => 0.5 })).subscribe(s);
      expect(clock.pending).toBe(1);
      s.cancel();
      expect(clock.pending).toBe(0);
      clock.runUntilIdle();
      expect(subscriptions()).toBe(1);
    });

    it('cancels the current subscription', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      retry<number>({ count: 3 })(upstream).subscribe(s);
      s.cancel();
      expect(upstream.cancelled).toBe(true);
    });

    it('releases the subscriber while a backoff is pending (§3.13)', async () => {
      const clock = new VirtualTimeScheduler();
      const ref = (() => {
        const s = new TestSubscriber<number>('unbounded');
        flaky(1, 0).flow.pipe(retry({ backoff: { initialMs: 10 }, scheduler: clock })).subscribe(s);
        s.cancel();
        return new WeakRef(s);
      })();
      expect(await isCollected(ref)).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('passes completion through without retrying', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(0, 0).pipe(retry({ count: 3 })).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'complete']);
    });

    it('reports an error from a source that already failed, never delivering it twice', () => {
      const upstream = new TestPublisher<number>({ allow: { afterTerminal: true } });
      const s = new TestSubscriber<number>('unbounded');
      const reported = captureReportedErrors();
      try {
        retry<number>({ count: 0 })(upstream).subscribe(s);
        upstream.error(new Error('first'));
        upstream.error(new Error('second'));
        expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'error(Error: first)']);
        expect(reported.errors).toHaveLength(1);
      } finally {
        reported.restore();
      }
    });
  });

  describe('when, Retry-After and budgets', () => {
    /** A source that fails with `make(k)` on its first `failures` subscriptions (k = 1, 2, …), then emits 7. */
    function failing(failures: number, make: (k: number) => Error): { flow: Flow<number>; subscriptions: () => number } {
      let subscriptions = 0;
      const flow = defer(() => (++subscriptions <= failures ? fail<number>(make(subscriptions)) : range(7, 1)));
      return { flow, subscriptions: () => subscriptions };
    }

    it('asks when(error, attempt) and gives up with that error when it says false', () => {
      const seen: string[] = [];
      const { flow, subscriptions } = failing(5, (k) => new Error(k < 3 ? 'busy' : 'bad request'));
      const s = new TestSubscriber<number>('unbounded');
      flow.pipe(retry({ count: 10, when: (error, attempt) => (seen.push(`${attempt}:${error.message}`), error.message === 'busy') })).subscribe(s);
      expect(seen).toEqual(['1:busy', '2:busy', '3:bad request']);
      expect(subscriptions()).toBe(3);
      expect(s.error?.message).toBe('bad request');
    });

    it('waits the number of ms when returns, on the virtual clock', () => {
      const clock = new VirtualTimeScheduler();
      const { flow } = failing(2, () => new Error('busy'));
      const s = timedSubscriber(clock, 'unbounded');
      flow.pipe(retry({ when: (_e, attempt) => attempt * 30, scheduler: clock })).subscribe(s);
      const times: number[] = [];
      while (clock.runNext()) times.push(clock.now());
      expect(times).toEqual([30, 90]);
      expect(s.log.slice(-2)).toEqual(['90: next(7)', '90: complete']);
    });

    it("honours a server-given delay carried by the error (retryAfterMs), even past the backoff's maxMs", () => {
      const clock = new VirtualTimeScheduler();
      const { flow } = failing(2, (k) => Object.assign(new Error('429'), { retryAfterMs: k === 1 ? 1_000 : 1 }));
      const s = new TestSubscriber<number>('unbounded');
      flow.pipe(retry({ count: 3, backoff: { initialMs: 10, maxMs: 100, jitter: 0 }, scheduler: clock })).subscribe(s);
      const times: number[] = [];
      while (clock.runNext()) times.push(clock.now());
      expect(times).toEqual([1_000, 1_020]); // max(10, 1000), then max(20, 1)
      expect(s.values).toEqual([7]);
    });

    it('reads the server delay with a custom retryAfter', () => {
      const clock = new VirtualTimeScheduler();
      const { flow } = failing(1, () => Object.assign(new Error('503'), { headers: { 'retry-after': '2' } }));
      const s = new TestSubscriber<number>('unbounded');
      const retryAfter = (e: Error) => 1_000 * Number((e as unknown as { headers: Record<string, string> }).headers['retry-after']);
      flow.pipe(retry({ count: 1, retryAfter, scheduler: clock })).subscribe(s);
      expect(s.values).toEqual([]);
      clock.advanceBy(1_999);
      expect(s.values).toEqual([]);
      clock.advanceBy(1);
      expect(s.values).toEqual([7]);
    });

    it('signals the error of a throwing when, and refuses a wait that is not a number ≥ 0', () => {
      const s1 = new TestSubscriber<number>('unbounded');
      failing(1, () => new Error('x')).flow.pipe(retry({ when: () => { throw new Error('policy bug'); } })).subscribe(s1);
      expect(s1.error?.message).toBe('policy bug');
      const s2 = new TestSubscriber<number>('unbounded');
      failing(1, () => new Error('x')).flow.pipe(retry({ when: () => -5 })).subscribe(s2);
      expect(s2.error).toBeInstanceOf(RangeError);
      const s3 = new TestSubscriber<number>('unbounded');
      failing(1, () => new Error('x')).flow.pipe(retry({ when: () => 'yes' as never })).subscribe(s3);
      expect(s3.error).toBeInstanceOf(TypeError);
    });

    it('caps the retries of many failing callers at ratio × requests + the floor, and counts the refusals', () => {
      const clock = new VirtualTimeScheduler();
      const budget = retryBudget({ ratio: 0.1, minRetries: 5, windowMs: 10_000, scheduler: clock });
      let attempts = 0;
      const alwaysFailing = defer(() => (attempts++, fail<number>(new Error('overloaded'))));
      const callers = Array.from({ length: 100 }, () => new TestSubscriber<number>('unbounded'));
      for (const s of callers) alwaysFailing.pipe(retry({ count: 3, budget })).subscribe(s);
      // without the budget: 100 × (1 + 3) = 400 attempts; with it: 100 + 0.1 × 100 + 5
      expect(attempts).toBe(115);
      expect(callers.every((s) => s.error?.message === 'overloaded')).toBe(true);
      // the first caller's three retries fit the floor; every later caller is refused once and gives up
      expect(budget.inspect()).toEqual({ requests: 100, retries: 15, available: 0, refused: 99 });
    });

    it('forgets old traffic as the window slides, so the floor is available again later', () => {
      const clock = new VirtualTimeScheduler();
      const budget = retryBudget({ ratio: 0, minRetries: 1, windowMs: 1_000, scheduler: clock });
      const { flow, subscriptions } = failing(3, () => new Error('x'));
      const a = new TestSubscriber<number>('unbounded');
      flow.pipe(retry({ count: 5, budget })).subscribe(a);
      expect(subscriptions()).toBe(2); // the first attempt plus the one retry of the floor
      expect(a.error?.message).toBe('x');
      clock.advanceBy(1_000);
      expect(budget.inspect()).toMatchObject({ requests: 0, retries: 0, available: 1 });
      const b = new TestSubscriber<number>('unbounded');
      flow.pipe(retry({ count: 5, budget })).subscribe(b);
      expect(b.values).toEqual([7]); // attempt 3 fails, the floor's retry (attempt 4) succeeds
    });

    it('validates the budget options', () => {
      expect(() => retryBudget({ ratio: -1 })).toThrow(RangeError);
      expect(() => retryBudget({ minRetries: Number.NaN })).toThrow(RangeError);
      expect(() => retryBudget({ windowMs: 0 })).toThrow(RangeError);
      expect(() => retry({ budget: {} as never })).toThrow(TypeError);
    });
  });
});
