import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { timerScheduler } from '../../src/schedulers/timerScheduler';

describe('timerScheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  describe('behaviour', () => {
    it('runs a task after its delay on setTimeout', () => {
      const ran: number[] = [];
      timerScheduler.schedule(() => ran.push(timerScheduler.now()), 20);
      vi.advanceTimersByTime(19);
      expect(ran).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(ran).toEqual([1020]);
    });

    it('runs tasks in due order, not scheduling order', () => {
      const ran: string[] = [];
      timerScheduler.schedule(() => ran.push('b'), 20);
      timerScheduler.schedule(() => ran.push('a'), 10);
      vi.advanceTimersByTime(20);
      expect(ran).toEqual(['a', 'b']);
    });
  });

  describe('demand', () => {
    it('runs each scheduled task exactly once', () => {
      let runs = 0;
      for (let i = 0; i < 50; i++) timerScheduler.schedule(() => runs++, i);
      vi.runAllTimers();
      vi.runAllTimers();
      expect(runs).toBe(50);
    });
  });

  describe('errors', () => {
    it('lets a throwing task throw out of its timer and still runs the others', () => {
      const ran: string[] = [];
      timerScheduler.schedule(() => {
        throw new Error('task failed');
      }, 5);
      timerScheduler.schedule(() => ran.push('after'), 6);
      expect(() => vi.advanceTimersByTime(5)).toThrow('task failed');
      vi.advanceTimersByTime(1);
      expect(ran).toEqual(['after']);
    });
  });

  describe('cancellation', () => {
    it('clears the timer of a cancelled task', () => {
      const ran: string[] = [];
      const cancel = timerScheduler.schedule(() => ran.push('x'), 10);
      expect(vi.getTimerCount()).toBe(1);
      cancel();
      cancel();
      expect(vi.getTimerCount()).toBe(0);
      vi.advanceTimersByTime(100);
      expect(ran).toEqual([]);
    });
  });

  describe('empty and edge cases', () => {
    it('treats an omitted or negative delay as 0', () => {
      const ran: string[] = [];
      timerScheduler.schedule(() => ran.push('omitted'));
      timerScheduler.schedule(() => ran.push('negative'), -10);
      vi.advanceTimersByTime(0);
      expect(ran).toEqual(['omitted', 'negative']);
    });

    it('reads its clock from Date.now()', () => {
      expect(timerScheduler.now()).toBe(1000);
    });
  });
});
