import { describe, expect, it } from 'vitest';
import { flowOf } from '../../src/Flow';
import { delay } from '../../src/operators/delay';
import type { Scheduler } from '../../src/schedulers/Scheduler';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { range } from '../../src/sources/range';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { timeOperatorContract } from '../contract/timeOperatorContract';
import { spyUpstream } from '../support/spyUpstream';
import { collectGarbage } from '../support/collectGarbage';
import { snapshot } from '../support/snapshot';
import { timedSubscriber } from '../support/timedSubscriber';

describe('delay', () => {
  const contractClock = new VirtualTimeScheduler();
  operatorContract('delay', {
    apply: (source) => delay<number>(10, { scheduler: contractClock })(source),
    settle: () => contractClock.runUntilIdle(),
  });

  timeOperatorContract('delay', { build: (ms, scheduler) => delay<number>(ms, { scheduler }) });

  describe('behaviour', () => {
    it('emits each item ms after it arrived, in order, and completes after the last one', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = timedSubscriber(clock, 'unbounded');
      delay<number>(10, { scheduler: clock })(upstream).subscribe(s);
      upstream.next(1);
      clock.advanceBy(4);
      upstream.next(2);
      upstream.complete();
      clock.advanceBy(100);
      expect(s.log).toEqual(['0: subscribe', '0: request(Infinity)', '10: next(1)', '14: next(2)', '14: complete']);
    });

    it('tells the story in both directions, step by step in virtual time', () => {
      const clock = new VirtualTimeScheduler();
      const s = timedSubscriber(clock, 2);
      spyUpstream(range(1, 3), s.log).pipe(delay(5, { scheduler: clock })).subscribe(s);
      expect(s.log).toEqual(['0: subscribe', '0: request(2)', '0: up.request(2)']);
      clock.advanceBy(5);
      expect(s.log.slice(3)).toEqual(['5: next(1)', '5: next(2)']);
      s.request(5);
      expect(s.log.slice(5)).toEqual(['5: request(5)', '5: up.request(5)']);
      clock.advanceBy(5);
      expect(s.log.slice(7)).toEqual(['10: next(3)', '10: complete']);
      expect(s.violations).toEqual([]);
    });

    it('hops through the scheduler even with delay(0)', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>('unbounded');
      range(0, 3).pipe(delay(0, { scheduler: clock })).subscribe(s);
      expect(s.values).toEqual([]);
      clock.runNext();
      expect(s.values).toEqual([0, 1, 2]);
      expect(s.completed).toBe(true);
    });
  });

  describe('demand', () => {
    it('never holds more items than were requested', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(2);
      delay<number>(10, { scheduler: clock })(upstream).subscribe(s);
      expect(upstream.outstanding).toBe(2);
      upstream.next(1, 2);
      expect(upstream.outstanding).toBe(0);
      expect(snapshot(s)).toMatchObject({ buffered: 2, requested: 2, upstreamRequested: 0 });
      clock.advanceBy(10);
      expect(s.values).toEqual([1, 2]);
      expect(upstream.outstanding).toBe(0); // no demand left: nothing more is asked
      s.request(1);
      expect(upstream.requests).toEqual([2, 1]);
    });

    it('turns unbounded demand into requests of at most capacity', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>('unbounded');
      delay<number>(10, { scheduler: clock, capacity: 4 })(upstream).subscribe(s);
      expect(upstream.requests).toEqual([4]);
      upstream.next(1, 2, 3, 4);
      expect(snapshot(s)).toMatchObject({ capacity: 4, buffered: 4, upstreamRequested: 0 });
      clock.advanceBy(10);
      expect(upstream.requests).toEqual([4, 4]);
      expect(s.values).toEqual([1, 2, 3, 4]);
    });

    it('keeps buffered + upstreamRequested within min(demand, capacity) through a long run', () => {
      const clock = new VirtualTimeScheduler();
      let broken = 0;
      const s: TestSubscriber<number> = new TestSubscriber<number>({
        initialRequest: 7,
        onNext: (_, sub) => {
          const snap = snapshot(sub);
          if (snap.buffered + snap.upstreamRequested > Math.min(snap.requested + 1, 5)) broken++;
          if (sub.count % 7 === 0) sub.request(7);
        },
      });
      range(0, 1000).pipe(delay(3, { scheduler: clock, capacity: 5 })).subscribe(s);
      clock.runUntilIdle();
      expect(s.count).toBe(1000);
      expect(s.completed).toBe(true);
      expect(broken).toBe(0);
      expect(s.violations).toEqual([]);
    });

    it('never emits early and keeps its bounds over 200 seeded random scripts', () => {
      let seed = 777;
      const random = (bound: number) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % bound;
      };
      const problems: string[] = [];
      for (let run = 0; run < 200; run++) {
        const capacity = 1 + random(6);
        const ms = random(20);
        const clock = new VirtualTimeScheduler();
        const upstream = new TestPublisher<number>();
        const arrived: number[] = [];
        const s = new TestSubscriber<number>({
          onNext: (value) => {
            if (clock.now() !== arrived[value]! + ms) problems.push(`run ${run}: item ${value} at ${clock.now()}, due ${arrived[value]! + ms}`);
          },
        });
        delay<number>(ms, { scheduler: clock, capacity })(upstream).subscribe(s);
        let sent = 0;
        for (let step = 0; step < 30; step++) {
          const action = random(3);
          if (action === 0) s.request(random(5) === 0 ? Infinity : 1 + random(4));
          else if (action === 1) {
            for (let k = random(4); k > 0 && upstream.outstanding > 0; k--) {
              arrived.push(clock.now());
              upstream.next(sent++);
            }
          } else clock.advanceBy(random(15));
          const snap = snapshot(s);
          if (snap.buffered + snap.upstreamRequested > Math.min(snap.requested, capacity)) {
            problems.push(`run ${run} step ${step}: ${JSON.stringify(snap)}`);
          }
        }
        problems.push(...s.violations);
      }
      expect(problems).toEqual([]);
    });
  });

  describe('errors', () => {
    it('signals an upstream error at once and discards the waiting items', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = timedSubscriber(clock, 'unbounded');
      delay<number>(10, { scheduler: clock })(upstream).subscribe(s);
      upstream.next(1);
      clock.advanceBy(3);
      upstream.error(new Error('boom'));
      clock.advanceBy(100);
      expect(s.log).toEqual(['0: subscribe', '0: request(Infinity)', '3: error(Error: boom)']);
      expect(clock.pending).toBe(0);
    });

    it('cancels an upstream that delivers beyond demand and signals §1.1', () => {
      const clock = new VirtualTimeScheduler();
      let cancelled = false;
      // A Flow is trusted (no boundary adapter), so a buggy one reaches delay's own guard.
      const overDelivering = flowOf<number>((subscriber) => {
        subscriber.onSubscribe({ request: () => {}, cancel: () => (cancelled = true) });
        subscriber.onNext(1);
      });
      const s = new TestSubscriber<number>();
      overDelivering.pipe(delay(10, { scheduler: clock })).subscribe(s);
      expect(cancelled).toBe(true);
      expect(s.error?.message).toMatch(/^§1\.1: delay/);
    });

    it('signals onError(RangeError) for an invalid request, cancels upstream and withdraws the timer', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      delay<number>(10, { scheduler: clock })(upstream).subscribe(s);
      upstream.next(1);
      s.request(NaN);
      expect(s.error?.message).toMatch(/^§3\.9:/);
      expect(upstream.cancelled).toBe(true);
      expect(clock.pending).toBe(0);
    });

    it('reports a throwing downstream onNext and cancels upstream', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const reported = captureReportedErrors();
      try {
        const s = new TestSubscriber<number>({ initialRequest: 3, onNext: () => { throw new Error('consumer bug'); } });
        delay<number>(10, { scheduler: clock })(upstream).subscribe(s);
        upstream.next(1, 2);
        clock.runUntilIdle();
        expect(s.values).toEqual([1]);
        expect(upstream.cancelled).toBe(true);
        expect(reported.errors).toEqual([new Error('consumer bug')]);
      } finally {
        reported.restore();
      }
    });
  });

  describe('cancellation', () => {
    it('cancels upstream, withdraws the timer and emits nothing more', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>('unbounded');
      delay<number>(10, { scheduler: clock })(upstream).subscribe(s);
      upstream.next(1, 2);
      expect(clock.pending).toBe(1);
      s.cancel();
      expect(upstream.cancelled).toBe(true);
      expect(clock.pending).toBe(0);
      clock.advanceBy(100);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'cancel']);
      expect(snapshot(s)).toMatchObject({ buffered: 0, cancelled: true, terminated: false });
    });

    it('releases the subscriber and the waiting items after cancel (§3.13)', async () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<object>();
      const [subscriberRef, itemRef] = (() => {
        const s = new TestSubscriber<object>('unbounded');
        delay<object>(10, { scheduler: clock })(upstream).subscribe(s);
        const item = { payload: 'x' };
        upstream.next(item);
        s.cancel();
        upstream.subscriber = null; // a real publisher drops its subscriber on cancel
        return [new WeakRef(s), new WeakRef(item)];
      })();
      await collectGarbage();
      expect(subscriberRef.deref()).toBe(undefined);
      expect(itemRef.deref()).toBe(undefined);
    });
  });

  describe('empty and edge cases', () => {
    it('completes an empty source at once: nothing is waiting', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>();
      range(0, 0).pipe(delay(10, { scheduler: clock })).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
      expect(clock.pending).toBe(0);
    });

    it('emits items that fall due at the same instant in one timer run', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>('unbounded');
      delay<number>(10, { scheduler: clock })(upstream).subscribe(s);
      upstream.next(1, 2, 3);
      expect(clock.pending).toBe(1);
      clock.advanceBy(10);
      expect(s.values).toEqual([1, 2, 3]);
    });

    it('keeps working on a scheduler that runs due tasks synchronously', () => {
      const clock = new VirtualTimeScheduler();
      // Runs a task at once when it is due now, otherwise leaves it to the virtual clock.
      const eager: Scheduler = {
        now: () => clock.now(),
        schedule: (task, delayMs = 0) => (delayMs <= 0 ? (task(), () => {}) : clock.schedule(task, delayMs)),
      };
      const s = new TestSubscriber<number>({ initialRequest: 2, onNext: (_, sub) => sub.request(1) });
      range(0, 20).pipe(delay(0, { scheduler: eager, capacity: 3 })).subscribe(s);
      expect(s.values).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(s.completed).toBe(true);
      const t = new TestSubscriber<number>('unbounded');
      range(0, 3).pipe(delay(5, { scheduler: eager })).subscribe(t);
      clock.advanceBy(5);
      expect(t.values).toEqual([0, 1, 2]);
      expect(t.completed).toBe(true);
    });

    it('rejects a bad delay, capacity or scheduler at assembly time', () => {
      for (const ms of [-1, NaN, Infinity]) expect(() => delay(ms)).toThrow(RangeError);
      expect(() => delay('5' as unknown as number)).toThrow(/delay: delayMs must be a non-negative finite number/);
      expect(() => delay(5, { capacity: 0 })).toThrow(/delay: capacity must be a positive integer/);
      expect(() => delay(5, { scheduler: {} as Scheduler })).toThrow(TypeError);
    });
  });
});
