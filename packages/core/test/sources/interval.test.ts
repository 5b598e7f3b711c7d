import { describe, expect, it } from 'vitest';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { interval } from '../../src/sources/interval';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { collectGarbage } from '../support/collectGarbage';
import { snapshot } from '../support/snapshot';

describe('interval', () => {
  describe('behaviour', () => {
    it('emits the tick index every period, starting one period after subscription', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>('unbounded');
      interval(100, { scheduler: clock }).subscribe(s);
      clock.advanceBy(99);
      expect(s.values).toEqual([]);
      clock.advanceBy(1);
      expect(s.values).toEqual([0]);
      clock.advanceBy(250);
      expect(s.values).toEqual([0, 1, 2]);
      expect(s.terminated).toBe(false);
    });

    it('waits delayMs before the first tick', () => {
      const clock = new VirtualTimeScheduler();
      const times: number[] = [];
      const s = new TestSubscriber<number>({ initialRequest: 'unbounded', onNext: () => times.push(clock.now()) });
      interval(100, { scheduler: clock, delayMs: 10 }).subscribe(s);
      clock.advanceBy(310);
      expect(times).toEqual([10, 110, 210, 310]);
    });

    it('schedules against the first due time, so a late tick does not shift the next ones', () => {
      // A hand-driven virtual clock: VirtualTimeScheduler always runs tasks exactly on time, so it cannot be late.
      const log: number[] = [];
      let now = 0;
      let pending: (() => void) | null = null;
      const lateScheduler = {
        now: () => now,
        schedule: (task: () => void, delay = 0) => {
          log.push(delay);
          pending = task;
          return () => {
            pending = null;
          };
        },
      };
      const s = new TestSubscriber<number>('unbounded');
      interval(100, { scheduler: lateScheduler }).subscribe(s);
      now = 130; // the first tick runs 30 ms late
      pending!();
      expect(log).toEqual([100, 70]);
    });
  });

  describe('demand', () => {
    it('emits one tick per requested item', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>(2);
      interval(10, { scheduler: clock, onOverflow: 'drop' }).subscribe(s);
      clock.advanceBy(50);
      expect(s.values).toEqual([0, 1]);
      expect(s.violations).toEqual([]);
    });

    it("signals an error naming the tick when it arrives with no demand (the default, 'error')", () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>(2);
      interval(10, { scheduler: clock }).subscribe(s);
      clock.advanceBy(50);
      expect(s.values).toEqual([0, 1]);
      expect(s.error?.message).toMatch(/^interval: tick 2 arrived with no outstanding demand; .* onOverflow: 'drop'/);
      expect(clock.pending).toBe(0);
      expect(s.violations).toEqual([]);
    });

    it("skips and counts ticks without demand under 'drop', leaving gaps in the indexes", () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>(1);
      interval(10, { scheduler: clock, onOverflow: 'drop' }).subscribe(s);
      clock.advanceBy(30);
      s.request(1);
      clock.advanceBy(10);
      expect(s.values).toEqual([0, 3]);
      expect(snapshot(s)).toEqual({
        stage: 'interval', capacity: 0, buffered: 0, requested: 0, upstreamRequested: 0,
        received: 4, emitted: 2, dropped: 2, terminated: false, cancelled: false,
      });
    });

    it('reports several ticks that arrive while it is emitting, in order', () => {
      const clock = new VirtualTimeScheduler();
      let advanced = false;
      const s = new TestSubscriber<number>({
        initialRequest: 'unbounded',
        onNext: () => {
          if (advanced) return;
          advanced = true;
          clock.advanceBy(30); // reentrant: ticks 1..3 arrive inside onNext(0)
        },
      });
      interval(10, { scheduler: clock }).subscribe(s);
      clock.advanceBy(10);
      expect(s.values).toEqual([0, 1, 2, 3]);
      expect(s.maxOnNextDepth).toBe(1);
    });
  });

  describe('errors', () => {
    for (const bad of [0, -1, NaN, 1.5, -Infinity]) {
      it(`signals onError(RangeError) for request(${bad}), does not throw, and stops the timer`, () => {
        const clock = new VirtualTimeScheduler();
        const s = new TestSubscriber<number>();
        interval(10, { scheduler: clock }).subscribe(s);
        expect(() => s.request(bad)).not.toThrow();
        expect(s.error?.message).toMatch(/^§3\.9:/);
        expect(clock.pending).toBe(0);
      });
    }

    it('rejects bad arguments at assembly time', () => {
      expect(() => interval(0)).toThrow(RangeError);
      expect(() => interval(Infinity)).toThrow(RangeError);
      expect(() => interval(10, { delayMs: -1 })).toThrow(/delayMs must be a non-negative finite number, got -1/);
      expect(() => interval(10, { onOverflow: 'buffer' as never })).toThrow(TypeError);
      expect(() => interval(10, { scheduler: {} as never })).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('clears the scheduled task on cancel', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>(5);
      interval(10, { scheduler: clock }).subscribe(s);
      clock.advanceBy(10);
      s.cancel();
      expect(clock.pending).toBe(0);
      clock.advanceBy(100);
      expect(s.values).toEqual([0]);
    });

    it('never schedules when cancelled inside onSubscribe', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>({ onSubscribe: (sub) => sub.cancel() });
      interval(10, { scheduler: clock }).subscribe(s);
      expect(clock.pending).toBe(0);
    });

    it('keeps no reference to a cancelled subscriber while the scheduler lives on (§3.13)', async () => {
      const clock = new VirtualTimeScheduler();
      const ref = (() => {
        const s = new TestSubscriber<number>(1);
        interval(10, { scheduler: clock }).subscribe(s);
        clock.advanceBy(10);
        s.cancel();
        return new WeakRef(s);
      })();
      await collectGarbage();
      expect(ref.deref()).toBeUndefined();
      expect(clock.now()).toBe(10);
    });
  });

  describe('empty and edge cases', () => {
    it('emits nothing before the first request and fails on the first tick by default', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>();
      interval(10, { scheduler: clock }).subscribe(s);
      clock.advanceBy(10);
      expect(s.log).toEqual(['subscribe', expect.stringMatching(/^error\(Error: interval: tick 0 arrived/)]);
      expect(snapshot(s).terminated).toBe(true);
    });

    it('allows a first tick with no delay', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>(1);
      interval(10, { scheduler: clock, delayMs: 0 }).subscribe(s);
      clock.advanceBy(0);
      expect(s.values).toEqual([0]);
    });
  });
});
