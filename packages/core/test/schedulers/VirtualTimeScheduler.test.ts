import { describe, expect, it } from 'vitest';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';

const gc = (globalThis as { gc?: () => void }).gc;

describe('VirtualTimeScheduler', () => {
  describe('behaviour', () => {
    it('runs nothing until time is advanced, then every task that fell due, at its due time', () => {
      const clock = new VirtualTimeScheduler();
      const ran: string[] = [];
      clock.schedule(() => ran.push(`a@${clock.now()}`), 10);
      clock.schedule(() => ran.push(`b@${clock.now()}`), 5);
      expect(ran).toEqual([]);
      clock.advanceBy(7);
      expect(ran).toEqual(['b@5']);
      expect(clock.now()).toBe(7);
      clock.advanceTo(10);
      expect(ran).toEqual(['b@5', 'a@10']);
    });

    it('runs tasks due at the same instant in scheduling order, including ones scheduled meanwhile', () => {
      const clock = new VirtualTimeScheduler();
      const ran: number[] = [];
      clock.schedule(() => {
        ran.push(1);
        clock.schedule(() => ran.push(3));
      });
      clock.schedule(() => ran.push(2));
      clock.advanceBy(0);
      expect(ran).toEqual([1, 2, 3]);
    });

    it('steps one task at a time with runNext, moving the clock to each due time', () => {
      const clock = new VirtualTimeScheduler();
      const ran: string[] = [];
      clock.schedule(() => ran.push('a'), 10);
      clock.schedule(() => ran.push('b'), 10);
      clock.schedule(() => ran.push('c'), 30);
      expect(clock.runNext()).toBe(true);
      expect([ran, clock.now()]).toEqual([['a'], 10]);
      expect(clock.runNext()).toBe(true);
      expect([ran, clock.now()]).toEqual([['a', 'b'], 10]);
      expect(clock.runNext()).toBe(true);
      expect([ran, clock.now()]).toEqual([['a', 'b', 'c'], 30]);
      expect(clock.runNext()).toBe(false);
    });

    it('runs until idle, jumping from one due time to the next', () => {
      const clock = new VirtualTimeScheduler();
      const times: number[] = [];
      const tick = () => {
        times.push(clock.now());
        if (times.length < 4) clock.schedule(tick, 25);
      };
      clock.schedule(tick, 25);
      clock.runUntilIdle();
      expect(times).toEqual([25, 50, 75, 100]);
      expect(clock.pending).toBe(0);
    });
  });

  describe('demand', () => {
    it('counts pending tasks, leaving out cancelled ones', () => {
      const clock = new VirtualTimeScheduler();
      clock.schedule(() => {}, 1);
      const cancel = clock.schedule(() => {}, 2);
      expect(clock.pending).toBe(2);
      cancel();
      expect(clock.pending).toBe(1);
      clock.advanceBy(1);
      expect(clock.pending).toBe(0);
    });

    it('stops runUntilIdle after maxTasks so a periodic task cannot loop forever', () => {
      const clock = new VirtualTimeScheduler();
      const forever = () => clock.schedule(forever, 1);
      clock.schedule(forever, 1);
      expect(() => clock.runUntilIdle(100)).toThrow(/more than 100 tasks/);
    });
  });

  describe('errors', () => {
    it('rejects a negative or NaN advance', () => {
      const clock = new VirtualTimeScheduler();
      expect(() => clock.advanceBy(-1)).toThrow(RangeError);
      expect(() => clock.advanceBy(NaN)).toThrow(RangeError);
    });

    it('lets a throwing task throw out of advanceBy, with the clock at its due time and later tasks kept', () => {
      const clock = new VirtualTimeScheduler();
      const ran: string[] = [];
      clock.schedule(() => {
        throw new Error('task failed');
      }, 5);
      clock.schedule(() => ran.push('later'), 6);
      expect(() => clock.advanceBy(10)).toThrow('task failed');
      expect(clock.now()).toBe(5);
      clock.advanceBy(5);
      expect(ran).toEqual(['later']);
    });
  });

  describe('cancellation', () => {
    it('never runs a cancelled task, and runNext skips it', () => {
      const clock = new VirtualTimeScheduler();
      const ran: string[] = [];
      const cancel = clock.schedule(() => ran.push('cancelled'), 1);
      clock.schedule(() => ran.push('kept'), 2);
      cancel();
      cancel();
      expect(clock.runNext()).toBe(true);
      expect(ran).toEqual(['kept']);
      expect(clock.now()).toBe(2);
    });

    it('drops its reference to a cancelled task at once (§3.13)', async () => {
      const clock = new VirtualTimeScheduler();
      const ref = (() => {
        const held = { payload: 1 };
        const cancel = clock.schedule(() => held.payload++, 1000);
        cancel();
        return new WeakRef(held);
      })();
      await new Promise((resolve) => setImmediate(resolve));
      gc!();
      expect(ref.deref()).toBe(undefined);
    });
  });

  describe('empty and edge cases', () => {
    it('advances an idle clock without running anything', () => {
      const clock = new VirtualTimeScheduler();
      clock.advanceBy(100);
      clock.runUntilIdle();
      expect(clock.now()).toBe(100);
      expect(clock.runNext()).toBe(false);
    });

    it('never moves the clock backwards', () => {
      const clock = new VirtualTimeScheduler();
      clock.advanceTo(50);
      clock.advanceTo(10);
      expect(clock.now()).toBe(50);
      clock.schedule(() => {}, 0); // due now (a negative delay is a RangeError: see the time validation below)
      expect(clock.runNext()).toBe(true);
      expect(clock.now()).toBe(50);
    });
  });
});

// Issue 13 item 12: non-finite or negative times are a RangeError, never a clock stuck at NaN or an endless loop.
describe('VirtualTimeScheduler time validation', () => {
  it('rejects a non-finite or negative delay in schedule and keeps the clock usable', () => {
    const clock = new VirtualTimeScheduler();
    for (const bad of [NaN, Infinity, -Infinity, -1]) {
      expect(() => clock.schedule(() => {}, bad)).toThrow(RangeError);
    }
    expect(clock.pending).toBe(0);
    const ran: number[] = [];
    clock.schedule(() => ran.push(clock.now()), 5);
    clock.advanceBy(10);
    expect(ran).toEqual([5]);
    expect(clock.now()).toBe(10);
  });

  it('rejects NaN, Infinity and negative times in advanceTo and advanceBy without running anything', () => {
    const clock = new VirtualTimeScheduler();
    let ticks = 0;
    const tick = (): void => {
      ticks++;
      clock.schedule(tick, 1); // periodic: NaN or Infinity would never let advanceTo return
    };
    clock.schedule(tick, 1);
    for (const bad of [NaN, Infinity, -1]) {
      expect(() => clock.advanceTo(bad)).toThrow(RangeError);
      expect(() => clock.advanceBy(bad)).toThrow(RangeError);
    }
    expect(ticks).toBe(0);
    expect(clock.now()).toBe(0);
    clock.advanceTo(3);
    expect(ticks).toBe(3);
  });

  it('names the method and the value in the error', () => {
    const clock = new VirtualTimeScheduler();
    expect(() => clock.schedule(() => {}, NaN)).toThrow('VirtualTimeScheduler.schedule needs a delay that is finite and non-negative, got NaN');
    expect(() => clock.advanceTo(NaN)).toThrow('VirtualTimeScheduler.advanceTo needs a time that is finite and non-negative, got NaN');
  });
});
