import { describe, expect, it } from 'vitest';
import { followThenable } from '../../src/internal/thenable';
import { forEach } from '../../src/sinks/forEach';
import { toArray } from '../../src/sinks/toArray';
import { create } from '../../src/sources/create';
import { range } from '../../src/sources/range';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { settle, watchdog } from '../support/async';

/** A thenable whose `then()` throws synchronously. */
const throwingThen = (reason: unknown) => ({
  then(): never {
    throw reason;
  },
});

/** A thenable whose `then` getter throws. */
const throwingGetter = (reason: unknown) =>
  Object.defineProperty({}, 'then', {
    get(): never {
      throw reason;
    },
  });

// Issue 13 item 3: every sink that follows a thenable returned by user code goes through one guarded helper.
describe('hostile thenables returned by user code', () => {
  describe('forEach', () => {
    it('rejects when fn returns a thenable whose then() throws, and cancels upstream', async () => {
      const boom = new Error('then threw');
      let cancelled = false;
      const source = create<number>((e) => {
        e.onCancel(() => (cancelled = true));
        e.next(1);
        e.next(2);
      });
      await expect(watchdog(forEach(source, () => throwingThen(boom)), 2_000, 'forEach')).rejects.toBe(boom);
      expect(cancelled).toBe(true);
    });

    it('rejects when the hostile thenable comes after an asynchronous item, with no unhandled rejection', async () => {
      const boom = new Error('then threw later');
      const seen: number[] = [];
      const done = forEach(range(0, 5), (x) => {
        seen.push(x);
        return x === 0 ? Promise.resolve() : throwingThen(boom);
      });
      await expect(watchdog(done, 2_000, 'forEach')).rejects.toBe(boom);
      await settle();
      expect(seen).toEqual([0, 1]);
    });

    it('rejects when the then getter itself throws', async () => {
      const boom = new Error('getter threw');
      await expect(watchdog(forEach(range(0, 3), () => throwingGetter(boom)), 2_000, 'forEach')).rejects.toBe(boom);
    });

    it('takes only the first outcome of a thenable that calls back twice', async () => {
      const seen: number[] = [];
      const twice = {
        then(onFulfilled: () => void, onRejected: (e: unknown) => void) {
          onFulfilled();
          onFulfilled();
          onRejected(new Error('ignored'));
        },
      };
      await watchdog(forEach(range(0, 4), (x) => { seen.push(x); return twice; }), 2_000, 'forEach');
      expect(seen).toEqual([0, 1, 2, 3]);
    });
  });

  describe('create', () => {
    it('fails the stream when the producer returns a thenable whose then getter throws', async () => {
      const captured = captureReportedErrors();
      try {
        const boom = new Error('getter threw');
        const flow = create<number>(() => throwingGetter(boom) as PromiseLike<void>);
        await expect(watchdog(toArray(flow), 2_000, 'toArray')).rejects.toBe(boom);
        expect(captured.errors).toEqual([]);
      } finally {
        captured.restore();
      }
    });
  });

  describe('followThenable', () => {
    it('returns false for values that are not thenables, calling nothing', () => {
      const calls: string[] = [];
      for (const value of [undefined, null, 1, 'x', {}, { then: 1 }]) {
        expect(followThenable(value, () => calls.push('ok'), () => calls.push('fail'))).toBe(false);
      }
      expect(calls).toEqual([]);
    });

    it('delivers a throwing then() asynchronously, as one rejection', async () => {
      const calls: unknown[] = [];
      expect(followThenable(throwingThen('x'), (v) => calls.push(['ok', v]), (e) => calls.push(['fail', e]))).toBe(true);
      expect(calls).toEqual([]);
      await settle(1);
      expect(calls).toEqual([['fail', 'x']]);
    });

    it('survives a native promise whose own then throws', async () => {
      const promise = Promise.resolve(1);
      Object.defineProperty(promise, 'then', { value: () => { throw new Error('own then'); } });
      const calls: unknown[] = [];
      expect(followThenable(promise, () => calls.push('ok'), (e) => calls.push((e as Error).message))).toBe(true);
      await settle(1);
      expect(calls).toEqual(['own then']);
    });
  });
});
