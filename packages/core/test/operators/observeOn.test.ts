import { describe, expect, it } from 'vitest';
import { flowOf } from '../../src/Flow';
import { observeOn } from '../../src/operators/observeOn';
import { macrotaskScheduler } from '../../src/schedulers/macrotaskScheduler';
import { microtaskScheduler } from '../../src/schedulers/microtaskScheduler';
import type { Scheduler } from '../../src/schedulers/Scheduler';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { range } from '../../src/sources/range';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { spyUpstream } from '../support/spyUpstream';
import { collectGarbage } from '../support/collectGarbage';
import { snapshot } from '../support/snapshot';

/** Counts the tasks it runs and whether code is running inside one, on top of a VirtualTimeScheduler. */
function trackingScheduler(clock: VirtualTimeScheduler): Scheduler & { inTask: boolean; scheduled: number } {
  const tracker = {
    inTask: false,
    scheduled: 0,
    now: () => clock.now(),
    schedule(task: () => void, delayMs?: number) {
      tracker.scheduled++;
      return clock.schedule(() => {
        tracker.inTask = true;
        try {
          task();
        } finally {
          tracker.inTask = false;
        }
      }, delayMs);
    },
  };
  return tracker;
}

describe('observeOn', () => {
  const contractClock = new VirtualTimeScheduler();
  operatorContract('observeOn', {
    apply: (source) => observeOn<number>(contractClock, { prefetch: 16 })(source),
    upstreamBound: () => 16,
    settle: () => contractClock.runUntilIdle(),
  });

  describe('behaviour', () => {
    it('delivers the items of a synchronous source one scheduler tick later, in order', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>('unbounded');
      range(1, 3).pipe(observeOn(clock)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)']);
      expect(clock.runNext()).toBe(true);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(1)', 'next(2)', 'next(3)', 'complete']);
      expect(clock.runNext()).toBe(false);
    });

    it('tells the story of each tick in the signal log of both directions', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(2);
      spyUpstream(upstream, s.log).pipe(observeOn(clock, { prefetch: 4 })).subscribe(s);
      upstream.next(1, 2, 3);
      expect(s.log).toEqual(['subscribe', 'request(2)', 'up.request(4)']);
      clock.runNext();
      expect(s.log.slice(3)).toEqual(['next(1)', 'next(2)']);
      s.request(5);
      expect(s.log.slice(5)).toEqual(['request(5)']); // nothing from inside request: items wait for the tick
      clock.runNext();
      expect(s.log.slice(6)).toEqual(['next(3)', 'up.request(3)']); // 3 of 4 consumed: the 75% step
      upstream.next(4);
      upstream.complete();
      clock.runNext();
      expect(s.log.slice(8)).toEqual(['next(4)', 'complete']);
      expect(s.violations).toEqual([]);
    });

    it('calls the downstream only from inside scheduler tasks', () => {
      const clock = new VirtualTimeScheduler();
      const scheduler = trackingScheduler(clock);
      const outside: string[] = [];
      const s = new TestSubscriber<number>({
        initialRequest: 3,
        onNext: (value, sub) => {
          if (!scheduler.inTask) outside.push(`next(${value})`);
          sub.request(1);
        },
      });
      const upstream = new TestPublisher<number>();
      observeOn<number>(scheduler, { prefetch: 8 })(upstream).subscribe(s);
      upstream.next(1, 2, 3, 4, 5);
      upstream.complete();
      clock.runUntilIdle();
      expect(s.values).toEqual([1, 2, 3, 4, 5]);
      expect(s.completed).toBe(true);
      expect(outside).toEqual([]);
    });

    it('emits at most prefetch items per tick, then yields to the scheduler', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>('unbounded');
      range(0, 10).pipe(observeOn(clock, { prefetch: 4 })).subscribe(s);
      const counts: number[] = [];
      while (clock.runNext()) counts.push(s.count);
      expect(counts).toEqual([4, 8, 10]);
      expect(s.completed).toBe(true);
    });

    it('moves 1,000,000 items across the boundary without ever buffering more than prefetch', () => {
      const clock = new VirtualTimeScheduler();
      let expected = 0;
      let outOfOrder = 0;
      const check = new TestSubscriber<number>({
        initialRequest: 'unbounded',
        onNext: (value) => {
          if (value !== expected++) outOfOrder++;
        },
      });
      check.recordLog = false;
      check.keepValues = false;
      range(0, 1_000_000).pipe(observeOn(clock, { prefetch: 256 })).subscribe(check);
      let ticks = 0;
      let maxBuffered = 0;
      let broken = 0;
      do {
        const snap = snapshot(check);
        maxBuffered = Math.max(maxBuffered, snap.buffered);
        // The invariant behind the bound: buffered + requested upstream never exceeds prefetch.
        if (snap.buffered > 256 || snap.buffered + snap.upstreamRequested > 256) broken++;
        ticks++;
      } while (clock.runNext());
      expect(broken).toBe(0);
      expect(maxBuffered).toBe(256);
      expect(outOfOrder).toBe(0);
      expect(check.count).toBe(1_000_000);
      expect(check.completed).toBe(true);
      expect(ticks).toBeGreaterThanOrEqual(1_000_000 / 256);
      expect(check.violations).toEqual([]);
    });

    it('crosses a real microtask boundary with 1,000,000 items and completes', async () => {
      let maxBuffered = 0;
      const done = new Promise<TestSubscriber<number>>((resolve) => {
        const s: TestSubscriber<number> = new TestSubscriber<number>({
          initialRequest: 'unbounded',
          onNext: (value) => {
            if (value % 1000 === 0) maxBuffered = Math.max(maxBuffered, snapshot(s).buffered);
            if (value === 999_999) queueMicrotask(() => resolve(s));
          },
        });
        s.recordLog = false;
        s.keepValues = false;
        range(0, 1_000_000).pipe(observeOn(microtaskScheduler, { prefetch: 512 })).subscribe(s);
      });
      const s = await done;
      expect(s.count).toBe(1_000_000);
      expect(s.completed).toBe(true);
      expect(maxBuffered).toBeLessThanOrEqual(512);
      expect(s.violations).toEqual([]);
    });

    it('crosses a macrotask boundary and yields to the event loop between batches', async () => {
      const seen: number[] = [];
      const s = await new Promise<TestSubscriber<number>>((resolve) => {
        const subscriber = new TestSubscriber<number>({ initialRequest: 'unbounded' });
        let resolved = false;
        // An interleaved setImmediate chain records how many items had arrived at each turn of the loop.
        const probe = () => {
          seen.push(subscriber.count);
          if (subscriber.completed) {
            if (!resolved) resolve(subscriber);
            resolved = true;
          } else setImmediate(probe);
        };
        range(0, 100).pipe(observeOn(macrotaskScheduler, { prefetch: 10 })).subscribe(subscriber);
        setImmediate(probe);
      });
      expect(s.values).toEqual(Array.from({ length: 100 }, (_, i) => i));
      // Batches of at most 10 per tick: the probe saw the count grow in several steps, never jump to 100 at once.
      expect(seen.filter((count) => count > 0 && count < 100).length).toBeGreaterThan(3);
    });
  });

  describe('demand', () => {
    it('requests prefetch upstream on subscribe and replenishes in 75% steps', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>('unbounded');
      observeOn<number>(clock, { prefetch: 8 })(upstream).subscribe(s);
      expect(upstream.requests).toEqual([8]);
      upstream.next(0, 1, 2, 3, 4, 5, 6, 7);
      clock.runNext();
      expect(upstream.requests).toEqual([8, 6]); // 6 = replenishAt(8)
      upstream.next(8, 9, 10, 11, 12, 13);
      clock.runNext();
      expect(upstream.requests).toEqual([8, 6, 6]);
      expect(s.count).toBe(14);
    });

    it('emits only what downstream requested and keeps the rest buffered', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>(3);
      range(0, 100).pipe(observeOn(clock, { prefetch: 10 })).subscribe(s);
      clock.runUntilIdle();
      expect(s.values).toEqual([0, 1, 2]);
      expect(snapshot(s)).toMatchObject({ buffered: 7, requested: 0, upstreamRequested: 0 });
      s.request(4);
      clock.runUntilIdle();
      expect(s.values).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(s.violations).toEqual([]);
    });

    it('reports the real depth and demand both ways in inspect() after a scripted sequence', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      observeOn<number>(clock, { prefetch: 8 })(upstream).subscribe(s);
      expect(snapshot(s)).toEqual({
        stage: 'observeOn', capacity: 8, buffered: 0, requested: 0, upstreamRequested: 8,
        received: 0, emitted: 0, dropped: 0, terminated: false, cancelled: false,
      });
      upstream.next(1, 2, 3, 4, 5);
      expect(snapshot(s)).toMatchObject({ buffered: 5, upstreamRequested: 3, received: 5 });
      s.request(2);
      expect(snapshot(s)).toMatchObject({ buffered: 5, requested: 2 }); // still waiting for the tick
      clock.runNext();
      expect(snapshot(s)).toMatchObject({ buffered: 3, requested: 0, upstreamRequested: 3, emitted: 2 });
      s.request(10);
      clock.runNext();
      // 5 emitted in total, 6 = replenishAt(8) reached at the 6th: not yet
      expect(snapshot(s)).toMatchObject({ buffered: 0, requested: 7, upstreamRequested: 3, emitted: 5 });
      upstream.next(6);
      clock.runNext();
      expect(snapshot(s)).toMatchObject({ buffered: 0, requested: 6, upstreamRequested: 8, emitted: 6 });
      upstream.complete();
      clock.runNext();
      expect(snapshot(s)).toMatchObject({ upstreamRequested: 0, terminated: true, cancelled: false });
    });

    it('keeps its bounds and order over 200 seeded random interleavings of requests, items and ticks', () => {
      let seed = 4242;
      const random = (bound: number) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % bound;
      };
      const problems: string[] = [];
      for (let run = 0; run < 200; run++) {
        const prefetch = 1 + random(9);
        const clock = new VirtualTimeScheduler();
        const upstream = new TestPublisher<number>();
        const s = new TestSubscriber<number>();
        observeOn<number>(clock, { prefetch })(upstream).subscribe(s);
        let sent = 0;
        for (let step = 0; step < 40; step++) {
          const action = random(3);
          if (action === 0) s.request(1 + random(prefetch * 2));
          else if (action === 1) for (let k = random(prefetch + 1); k > 0 && upstream.outstanding > 0; k--) upstream.next(sent++);
          else clock.runNext();
          const snap = snapshot(s);
          if (snap.buffered + snap.upstreamRequested > prefetch) problems.push(`run ${run} step ${step}: ${JSON.stringify(snap)}`);
          if (snap.buffered !== sent - s.count) problems.push(`run ${run} step ${step}: depth ${snap.buffered} != ${sent - s.count}`);
        }
        upstream.complete();
        s.request(Infinity);
        clock.runUntilIdle();
        if (s.values.some((value, i) => value !== i) || s.count !== sent || !s.completed) problems.push(`run ${run}: ${s.log.join(' ')}`);
        problems.push(...s.violations);
      }
      expect(problems).toEqual([]);
    });

    it('adds up requests made before the tick into one batch', () => {
      const clock = new VirtualTimeScheduler();
      const scheduler = trackingScheduler(clock);
      const s = new TestSubscriber<number>();
      range(0, 10).pipe(observeOn(scheduler)).subscribe(s);
      clock.runUntilIdle(); // the tick the buffered items scheduled finds no demand and ends
      const before = scheduler.scheduled;
      s.request(1);
      s.request(2);
      s.request(3);
      expect(scheduler.scheduled - before).toBe(1);
      clock.runUntilIdle();
      expect(s.values).toEqual([0, 1, 2, 3, 4, 5]);
    });

    it('saturates unbounded demand and drains a finite source to completion', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>(Number.MAX_SAFE_INTEGER);
      range(0, 50).pipe(observeOn(clock, { prefetch: 4 })).subscribe(s);
      clock.runUntilIdle();
      expect(s.count).toBe(50);
      expect(s.completed).toBe(true);
    });
  });

  describe('errors', () => {
    it('delivers an upstream error after the items buffered before it', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      observeOn<number>(clock)(upstream).subscribe(s);
      upstream.next(1, 2);
      upstream.error(new Error('boom'));
      clock.runUntilIdle();
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(1)']); // the error waits behind item 2
      s.request(1);
      clock.runUntilIdle();
      expect(s.log.slice(3)).toEqual(['request(1)', 'next(2)', 'error(Error: boom)']);
    });

    it('with delayError false, discards the buffered items and signals the error on the next tick', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      observeOn<number>(clock, { delayError: false })(upstream).subscribe(s);
      upstream.next(1, 2);
      upstream.error(new Error('boom'));
      expect(s.log).toEqual(['subscribe', 'request(1)']);
      clock.runNext();
      expect(s.log).toEqual(['subscribe', 'request(1)', 'error(Error: boom)']);
      expect(snapshot(s).buffered).toBe(0);
    });

    it('cancels an upstream that delivers beyond prefetch and signals §1.1 after the buffered items', () => {
      const clock = new VirtualTimeScheduler();
      let cancelled = false;
      // A Flow is trusted (no boundary adapter), so a buggy one reaches observeOn's own guard.
      const overDelivering = flowOf<number>((subscriber) => {
        subscriber.onSubscribe({ request: () => {}, cancel: () => (cancelled = true) });
        for (const item of [1, 2, 3]) subscriber.onNext(item);
      });
      const s = new TestSubscriber<number>('unbounded');
      overDelivering.pipe(observeOn(clock, { prefetch: 2 })).subscribe(s);
      expect(cancelled).toBe(true);
      clock.runUntilIdle();
      expect(s.values).toEqual([1, 2]);
      expect(s.error?.message).toMatch(/^§1\.1: observeOn/);
    });

    it('detects over-delivery by demand, even while the buffer still has room', () => {
      const clock = new VirtualTimeScheduler();
      let emit: ((value: number) => void) | null = null;
      let cancelled = false;
      const manual = flowOf<number>((subscriber) => {
        subscriber.onSubscribe({ request: () => {}, cancel: () => (cancelled = true) });
        emit = (value) => subscriber.onNext(value);
      });
      const s = new TestSubscriber<number>(2);
      manual.pipe(observeOn(clock, { prefetch: 4 })).subscribe(s);
      for (const value of [1, 2, 3, 4]) emit!(value);
      clock.runUntilIdle(); // 2 emitted, 2 buffered: room for 2 more, but nothing was requested (replenish comes at 3)
      expect(snapshot(s)).toMatchObject({ buffered: 2, upstreamRequested: 0 });
      emit!(5);
      expect(cancelled).toBe(true);
      s.request(10);
      clock.runUntilIdle();
      expect(s.values).toEqual([1, 2, 3, 4]);
      expect(s.error?.message).toMatch(/^§1\.1: observeOn/);
    });

    it('signals onError(RangeError) at once for an invalid request and cancels upstream', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      observeOn<number>(clock)(upstream).subscribe(s);
      upstream.next(1);
      s.request(-1);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'request(-1)', expect.stringMatching(/^error\(RangeError: §3\.9:/)]);
      expect(upstream.cancelled).toBe(true);
      expect(clock.pending).toBe(0);
    });

    it('reports a throwing downstream onNext, cancels upstream and stops the ticks', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const reported = captureReportedErrors();
      try {
        const s = new TestSubscriber<number>({
          initialRequest: 'unbounded',
          onNext: () => {
            throw new Error('consumer bug');
          },
        });
        observeOn<number>(clock)(upstream).subscribe(s);
        upstream.next(1, 2);
        clock.runUntilIdle();
        expect(s.values).toEqual([1]);
        expect(upstream.cancelled).toBe(true);
        expect(reported.errors).toEqual([new Error('consumer bug')]);
      } finally {
        reported.restore();
      }
    });

    it('reports an upstream error that arrives after completion (§1.7)', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>({ allow: { afterTerminal: true } });
      const reported = captureReportedErrors();
      try {
        const s = new TestSubscriber<number>('unbounded');
        observeOn<number>(clock)(upstream).subscribe(s);
        upstream.complete();
        upstream.error(new Error('late'));
        clock.runUntilIdle();
        expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'complete']);
        expect(reported.errors.length).toBe(1);
      } finally {
        reported.restore();
      }
    });
  });

  describe('cancellation', () => {
    it('cancels upstream, withdraws the pending tick and signals nothing more', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>('unbounded');
      observeOn<number>(clock)(upstream).subscribe(s);
      upstream.next(1, 2);
      expect(clock.pending).toBe(1);
      s.cancel();
      expect(upstream.cancelled).toBe(true);
      expect(clock.pending).toBe(0);
      clock.runUntilIdle();
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'cancel']);
      expect(snapshot(s)).toMatchObject({ buffered: 0, cancelled: true, terminated: false });
    });

    it('stops a batch when cancelled from inside onNext', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>({ initialRequest: 'unbounded', onNext: (v, sub) => v === 2 && sub.cancel() });
      const log: string[] = s.log;
      spyUpstream(range(0, 100), log).pipe(observeOn(clock, { prefetch: 8 })).subscribe(s);
      clock.runUntilIdle();
      expect(s.values).toEqual([0, 1, 2]);
      expect(log).toEqual(['subscribe', 'request(Infinity)', 'up.request(8)', 'next(0)', 'next(1)', 'next(2)', 'cancel', 'up.cancel']);
    });

    it('releases the subscriber while a tick was pending (§3.13)', async () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const ref = (() => {
        const s = new TestSubscriber<number>('unbounded');
        observeOn<number>(clock)(upstream).subscribe(s);
        upstream.next(1);
        s.cancel();
        upstream.subscriber = null; // a real publisher drops its subscriber on cancel
        return new WeakRef(s);
      })();
      await collectGarbage();
      expect(ref.deref()).toBe(undefined);
      expect(clock.pending).toBe(0);
    });

    it('releases the buffered items on cancel (§3.13)', async () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<object>();
      const s = new TestSubscriber<object>();
      observeOn<object>(clock)(upstream).subscribe(s);
      const ref = (() => {
        const item = { payload: 'x' };
        upstream.next(item);
        return new WeakRef(item);
      })();
      expect(snapshot(s).buffered).toBe(1);
      s.cancel();
      await collectGarbage();
      expect(ref.deref()).toBe(undefined);
    });
  });

  describe('empty and edge cases', () => {
    it('completes an empty source on the next tick', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>();
      range(0, 0).pipe(observeOn(clock)).subscribe(s);
      expect(s.completed).toBe(false);
      clock.runNext();
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('works with prefetch 1: one item in the buffer, one request at a time', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>('unbounded');
      observeOn<number>(clock, { prefetch: 1 })(upstream).subscribe(s);
      for (let i = 0; i < 5; i++) {
        expect(upstream.outstanding).toBe(1);
        upstream.next(i);
        clock.runUntilIdle();
      }
      expect(upstream.requests).toEqual([1, 1, 1, 1, 1, 1]);
      expect(s.values).toEqual([0, 1, 2, 3, 4]);
    });

    it('rejects a bad prefetch, scheduler or delayError at assembly time', () => {
      const clock = new VirtualTimeScheduler();
      for (const prefetch of [0, -1, 1.5, NaN, Infinity]) {
        expect(() => observeOn(clock, { prefetch })).toThrow(RangeError);
      }
      expect(() => observeOn(clock, { prefetch: '8' as unknown as number })).toThrow(/prefetch must be a positive integer/);
      expect(() => observeOn(null as unknown as Scheduler)).toThrow(TypeError);
      expect(() => observeOn({} as Scheduler)).toThrow(/scheduler must have now\(\) and schedule/);
      expect(() => observeOn(clock, { delayError: 'yes' as unknown as boolean })).toThrow(TypeError);
    });

    it('keeps working on a scheduler that runs tasks synchronously', () => {
      const immediate: Scheduler = { now: () => 0, schedule: (task) => (task(), () => {}) };
      const s = new TestSubscriber<number>(3);
      range(0, 10).pipe(observeOn(immediate, { prefetch: 4 })).subscribe(s);
      expect(s.values).toEqual([0, 1, 2]);
      s.request(10);
      expect(s.values).toEqual(Array.from({ length: 10 }, (_, i) => i));
      expect(s.completed).toBe(true);
      expect(s.violations).toEqual([]);
    });

    it('schedules nothing when cancelled inside onSubscribe', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>({ onSubscribe: (sub) => sub.cancel() });
      observeOn<number>(clock)(upstream).subscribe(s);
      expect(upstream.requests).toEqual([]);
      expect(upstream.cancelled).toBe(true);
      expect(clock.pending).toBe(0);
    });
  });
});
