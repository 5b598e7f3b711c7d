import { describe, expect, it } from 'vitest';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { timer } from '../../src/sources/timer';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { collectGarbage } from '../support/collectGarbage';

describe('timer', () => {
  describe('behaviour', () => {
    it('emits 0 after the delay, then completes', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>(1);
      timer(50, { scheduler: clock }).subscribe(s);
      clock.advanceBy(49);
      expect(s.log).toEqual(['subscribe', 'request(1)']);
      clock.advanceBy(1);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(0)', 'complete']);
    });
  });

  describe('demand', () => {
    it('holds the item when the delay elapses before any request', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>();
      timer(50, { scheduler: clock }).subscribe(s);
      clock.advanceBy(100);
      expect(s.log).toEqual(['subscribe']);
      s.request(1);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(0)', 'complete']);
      expect(s.violations).toEqual([]);
    });
  });

  describe('errors', () => {
    for (const bad of [0, -1, NaN, 1.5, -Infinity]) {
      it(`signals onError(RangeError) for request(${bad}), does not throw, and clears the task`, () => {
        const clock = new VirtualTimeScheduler();
        const s = new TestSubscriber<number>();
        timer(10, { scheduler: clock }).subscribe(s);
        expect(() => s.request(bad)).not.toThrow();
        expect(s.error?.message).toMatch(/^§3\.9:/);
        expect(clock.pending).toBe(0);
      });
    }

    it('rejects a bad delay or scheduler at assembly time', () => {
      expect(() => timer(-1)).toThrow(RangeError);
      expect(() => timer(NaN)).toThrow(RangeError);
      expect(() => timer(1, { scheduler: { now: () => 0 } as never })).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('clears the scheduled task on cancel', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>(1);
      timer(10, { scheduler: clock }).subscribe(s);
      s.cancel();
      expect(clock.pending).toBe(0);
      clock.advanceBy(20);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'cancel']);
    });

    it('keeps no reference to a cancelled subscriber while the scheduler lives on (§3.13)', async () => {
      const clock = new VirtualTimeScheduler();
      const ref = (() => {
        const s = new TestSubscriber<number>(1);
        timer(10, { scheduler: clock }).subscribe(s);
        s.cancel();
        return new WeakRef(s);
      })();
      await collectGarbage();
      expect(ref.deref()).toBeUndefined();
      expect(clock.now()).toBe(0);
    });
  });

  describe('empty and edge cases', () => {
    it('fires on the next scheduler turn for a zero delay', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>('unbounded');
      timer(0, { scheduler: clock }).subscribe(s);
      expect(s.values).toEqual([]);
      clock.advanceBy(0);
      expect(s.values).toEqual([0]);
      expect(s.completed).toBe(true);
    });
  });
});
