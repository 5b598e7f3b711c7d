import { afterEach, describe, expect, it, vi } from 'vitest';
import { macrotaskScheduler } from '../../src/schedulers/macrotaskScheduler';

const nextMacrotask = () => new Promise((resolve) => setImmediate(resolve));

describe('macrotaskScheduler', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  describe('behaviour', () => {
    it('runs a task on a later turn of the event loop, after pending microtasks', async () => {
      const order: string[] = [];
      macrotaskScheduler.schedule(() => order.push('macrotask'));
      queueMicrotask(() => order.push('microtask'));
      order.push('sync');
      await nextMacrotask();
      expect(order).toEqual(['sync', 'microtask', 'macrotask']);
    });

    it('yields to the event loop between tasks: each task scheduled by a task runs on a new turn', async () => {
      const order: string[] = [];
      macrotaskScheduler.schedule(() => {
        order.push('first');
        queueMicrotask(() => order.push('microtask between'));
        macrotaskScheduler.schedule(() => order.push('second'));
      });
      await nextMacrotask();
      await nextMacrotask();
      expect(order).toEqual(['first', 'microtask between', 'second']);
    });

    it('uses a timer for a positive delay', () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'Date'] });
      const ran: number[] = [];
      const start = macrotaskScheduler.now();
      macrotaskScheduler.schedule(() => ran.push(macrotaskScheduler.now() - start), 30);
      vi.advanceTimersByTime(29);
      expect(ran).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(ran).toEqual([30]);
    });
  });

  describe('demand', () => {
    it('runs each scheduled task exactly once, in order', () => {
      vi.useFakeTimers({ toFake: ['setImmediate', 'clearImmediate'] });
      const ran: number[] = [];
      for (let i = 0; i < 100; i++) macrotaskScheduler.schedule(() => ran.push(i));
      vi.runAllTimers();
      expect(ran).toEqual(Array.from({ length: 100 }, (_, i) => i));
    });
  });

  describe('errors', () => {
    it('does not run later tasks on the stack of a throwing one', () => {
      vi.useFakeTimers({ toFake: ['setImmediate', 'clearImmediate'] });
      const ran: string[] = [];
      macrotaskScheduler.schedule(() => {
        throw new Error('task failed');
      });
      macrotaskScheduler.schedule(() => ran.push('after'));
      expect(() => vi.runOnlyPendingTimers()).toThrow('task failed');
      vi.runOnlyPendingTimers();
      expect(ran).toEqual(['after']);
    });
  });

  describe('cancellation', () => {
    it('withdraws a cancelled task', () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
      const ran: string[] = [];
      const cancelNow = macrotaskScheduler.schedule(() => ran.push('now'));
      const cancelLater = macrotaskScheduler.schedule(() => ran.push('later'), 10);
      macrotaskScheduler.schedule(() => ran.push('kept'));
      cancelNow();
      cancelLater();
      cancelLater(); // idempotent
      expect(vi.getTimerCount()).toBe(1);
      vi.runAllTimers();
      expect(ran).toEqual(['kept']);
    });
  });

  describe('empty and edge cases', () => {
    it('treats a zero or negative delay as the next turn', () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
      const ran: string[] = [];
      macrotaskScheduler.schedule(() => ran.push('negative'), -1);
      macrotaskScheduler.schedule(() => ran.push('zero'), 0);
      vi.runOnlyPendingTimers();
      expect(ran).toEqual(['negative', 'zero']);
    });

    it('reads its clock from Date.now()', () => {
      vi.useFakeTimers({ toFake: ['Date'], now: 777 });
      expect(macrotaskScheduler.now()).toBe(777);
    });
  });
});
