import { afterEach, describe, expect, it, vi } from 'vitest';
import { microtaskScheduler } from '../../src/schedulers/microtaskScheduler';

const gc = (globalThis as { gc?: () => void }).gc;
const nextMacrotask = () => new Promise((resolve) => setImmediate(resolve));

describe('microtaskScheduler', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  describe('behaviour', () => {
    it('runs a task after the current synchronous code and before the next macrotask', async () => {
      const order: string[] = [];
      setImmediate(() => order.push('setImmediate'));
      microtaskScheduler.schedule(() => order.push('microtask'));
      order.push('sync');
      await nextMacrotask();
      expect(order).toEqual(['sync', 'microtask', 'setImmediate']);
    });

    it('runs tasks in the order they were scheduled, including tasks scheduled by tasks', async () => {
      const order: number[] = [];
      microtaskScheduler.schedule(() => {
        order.push(1);
        microtaskScheduler.schedule(() => order.push(3));
      });
      microtaskScheduler.schedule(() => order.push(2));
      await nextMacrotask();
      expect(order).toEqual([1, 2, 3]);
    });

    it('falls back to a timer for a positive delay', () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      const ran: number[] = [];
      microtaskScheduler.schedule(() => ran.push(microtaskScheduler.now()), 50);
      const start = microtaskScheduler.now();
      vi.advanceTimersByTime(49);
      expect(ran).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(ran).toEqual([start + 50]);
    });
  });

  describe('demand', () => {
    it('runs each scheduled task exactly once', async () => {
      let runs = 0;
      for (let i = 0; i < 1000; i++) microtaskScheduler.schedule(() => runs++);
      await nextMacrotask();
      await nextMacrotask();
      expect(runs).toBe(1000);
    });
  });

  describe('errors', () => {
    it('lets a throwing task surface as an unhandled error without stopping later tasks', async () => {
      const ran: string[] = [];
      const errors: unknown[] = [];
      const onError = (error: unknown) => errors.push(error);
      process.on('uncaughtException', onError);
      const listeners = process.listeners('uncaughtException');
      // vitest installs its own handler; keep only ours while the task throws
      for (const listener of listeners) if (listener !== onError) process.off('uncaughtException', listener);
      try {
        microtaskScheduler.schedule(() => {
          throw new Error('task failed');
        });
        microtaskScheduler.schedule(() => ran.push('after'));
        await nextMacrotask();
      } finally {
        process.off('uncaughtException', onError);
        for (const listener of listeners) if (listener !== onError) process.on('uncaughtException', listener);
      }
      expect(ran).toEqual(['after']);
      expect(errors).toEqual([new Error('task failed')]);
    });
  });

  describe('cancellation', () => {
    it('does not run a cancelled task', async () => {
      const ran: string[] = [];
      const cancel = microtaskScheduler.schedule(() => ran.push('cancelled'));
      microtaskScheduler.schedule(() => ran.push('kept'));
      cancel();
      cancel(); // idempotent
      await nextMacrotask();
      expect(ran).toEqual(['kept']);
    });

    it('cancels a delayed task', () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const ran: string[] = [];
      const cancel = microtaskScheduler.schedule(() => ran.push('late'), 10);
      cancel();
      vi.advanceTimersByTime(100);
      expect(ran).toEqual([]);
    });

    it('releases what a cancelled task references before its microtask runs (§3.13)', async () => {
      const ref = (() => {
        const held = { payload: new Array(10).fill(0) };
        const cancel = microtaskScheduler.schedule(() => held.payload.push(1));
        cancel();
        return new WeakRef(held);
      })();
      gc!(); // the queued microtask has not run yet: only the cancel makes this collectable
      await nextMacrotask();
      gc!();
      expect(ref.deref()).toBe(undefined);
    });
  });

  describe('empty and edge cases', () => {
    it('treats a zero or negative delay as no delay', async () => {
      const ran: string[] = [];
      microtaskScheduler.schedule(() => ran.push('zero'), 0);
      microtaskScheduler.schedule(() => ran.push('negative'), -5);
      await Promise.resolve();
      expect(ran).toEqual(['zero', 'negative']);
    });

    it('reads its clock from Date.now()', () => {
      vi.useFakeTimers({ toFake: ['Date'], now: 12345 });
      expect(microtaskScheduler.now()).toBe(12345);
    });
  });
});
