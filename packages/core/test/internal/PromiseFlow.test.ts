import { describe, expect, it } from 'vitest';
import { promiseOf } from '../../src/internal/PromiseFlow';
import { concatMap } from '../../src/operators/concatMap';
import { exhaustMap } from '../../src/operators/exhaustMap';
import { mergeMap } from '../../src/operators/mergeMap';
import { switchMap } from '../../src/operators/switchMap';
import { defer } from '../../src/sources/defer';
import { from } from '../../src/sources/from';
import { range } from '../../src/sources/range';
import type { Publisher } from '../../src/spec/Publisher';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { settle } from '../support/async';
import { isCollected } from '../support/collectGarbage';

/** A promise settled by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Runs the same scenario twice: once with `from(promise)` inners (the direct path of decision 0010) and once with
 * the same promises behind `defer`, which hides them and takes the ordinary subscription path.
 */
async function bothPaths<T>(
  scenario: (wrap: (promise: Promise<T>) => Publisher<T>) => Promise<string[]>,
): Promise<{ direct: string[]; subscribed: string[] }> {
  const direct = await scenario((promise) => from(promise));
  const subscribed = await scenario((promise) => defer(() => from(promise)));
  return { direct, subscribed };
}

describe('promise inners (decision 0010)', () => {
  describe('behaviour', () => {
    it('marks the Flow from(promise) builds, and no other', () => {
      const promise = Promise.resolve(1);
      expect(promiseOf(from(promise))).toBe(promise);
      expect(promiseOf(range(0, 1))).toBeUndefined();
      expect(promiseOf(defer(() => from(promise)))).toBeUndefined();
    });

    it('gives mergeMap the same signals as subscribing to the promise, in resolution order', async () => {
      const { direct, subscribed } = await bothPaths<string>(async (wrap) => {
        const pending = [deferred<string>(), deferred<string>(), deferred<string>()];
        const s = new TestSubscriber<string>('unbounded');
        range(0, 3).pipe(mergeMap((i: number) => wrap(pending[i]!.promise))).subscribe(s);
        pending[2]!.resolve('c');
        await settle();
        pending[0]!.resolve('a');
        pending[1]!.resolve('b');
        await settle();
        expect(s.violations).toEqual([]);
        return s.log;
      });
      expect(direct).toEqual(['subscribe', 'request(Infinity)', 'next(c)', 'next(a)', 'next(b)', 'complete']);
      expect(direct).toEqual(subscribed);
    });

    it('keeps concatMap in outer order whatever order the promises resolve in', async () => {
      const pending = [deferred<number>(), deferred<number>(), deferred<number>()];
      const s = new TestSubscriber<number>('unbounded');
      range(0, 3).pipe(concatMap((i: number) => from(pending[i]!.promise))).subscribe(s);
      pending[2]!.resolve(30);
      pending[1]!.resolve(20);
      await settle();
      expect(s.values).toEqual([]);
      pending[0]!.resolve(10);
      await settle();
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(10)', 'next(20)', 'next(30)', 'complete']);
    });

    it('lets switchMap drop the outcome of a promise it switched away from, like the subscription path', async () => {
      const reported = captureReportedErrors();
      try {
        const { direct, subscribed } = await bothPaths<string>(async (wrap) => {
          const outer = new TestPublisher<number>();
          const pending = [deferred<string>(), deferred<string>()];
          const s = new TestSubscriber<string>('unbounded');
          switchMap((i: number) => wrap(pending[i]!.promise))(outer).subscribe(s);
          outer.next(0, 1);
          pending[0]!.reject(new Error('stale'));
          pending[1]!.resolve('fresh');
          outer.complete();
          await settle();
          return s.log;
        });
        expect(direct).toEqual(['subscribe', 'request(Infinity)', 'next(fresh)', 'complete']);
        expect(direct).toEqual(subscribed);
        expect(reported.errors).toEqual([]);
      } finally {
        reported.restore();
      }
    });

    it('lets exhaustMap ignore outer items while a promise is pending, like the subscription path', async () => {
      const { direct, subscribed } = await bothPaths<string>(async (wrap) => {
        const outer = new TestPublisher<number>();
        const pending = [deferred<string>(), deferred<string>(), deferred<string>()];
        const s = new TestSubscriber<string>('unbounded');
        exhaustMap((i: number) => wrap(pending[i]!.promise))(outer).subscribe(s);
        outer.next(0, 1);
        pending[1]!.resolve('ignored');
        pending[0]!.resolve('first');
        await settle();
        outer.next(2);
        pending[2]!.resolve('third');
        outer.complete();
        await settle();
        return s.log;
      });
      expect(direct).toEqual(['subscribe', 'request(Infinity)', 'next(first)', 'next(third)', 'complete']);
      expect(direct).toEqual(subscribed);
    });

    it('counts a promise resolving to null or undefined as an inner that completed empty', async () => {
      const { direct, subscribed } = await bothPaths<number>(async (wrap) => {
        const s = new TestSubscriber<number>('unbounded');
        const values = [1, null, 3, undefined] as unknown as number[];
        range(0, 4).pipe(mergeMap((i: number) => wrap(Promise.resolve(values[i]!)))).subscribe(s);
        await settle();
        return s.log;
      });
      expect(direct).toEqual(['subscribe', 'request(Infinity)', 'next(1)', 'next(3)', 'complete']);
      expect(direct).toEqual(subscribed);
    });
  });

  describe('demand', () => {
    it('delivers settled values only as requested, holding the rest in the inners', async () => {
      const s = new TestSubscriber<number>(1);
      range(0, 4).pipe(mergeMap((i: number) => from(Promise.resolve(i * 10)))).subscribe(s);
      await settle();
      expect(s.values).toEqual([0]);
      s.request(2);
      expect(s.values).toEqual([0, 10, 20]);
      expect(s.completed).toBe(false);
      s.request(1);
      expect(s.log.slice(-2)).toEqual(['next(30)', 'complete']);
      expect(s.violations).toEqual([]);
    });
  });

  describe('errors', () => {
    it('signals a rejection as onError and cancels the outer, like the subscription path', async () => {
      const { direct, subscribed } = await bothPaths<number>(async (wrap) => {
        const outer = new TestPublisher<number>();
        const s = new TestSubscriber<number>('unbounded');
        mergeMap((i: number) => wrap(i === 1 ? Promise.reject(new Error('boom')) : Promise.resolve(i)))(outer).subscribe(s);
        outer.next(0, 1);
        await settle();
        expect(outer.cancelled).toBe(true);
        return s.log;
      });
      expect(direct).toEqual(['subscribe', 'request(Infinity)', 'next(0)', 'error(Error: boom)']);
      expect(direct).toEqual(subscribed);
    });

    it('turns a thenable whose then throws into the error, and a non-Error rejection into an Error', async () => {
      const throwing = {
        then() {
          throw new Error('then failed');
        },
      };
      const s1 = new TestSubscriber<number>('unbounded');
      range(0, 1).pipe(mergeMap(() => from(throwing as unknown as PromiseLike<number>))).subscribe(s1);
      const s2 = new TestSubscriber<number>('unbounded');
      range(0, 1).pipe(mergeMap(() => from(Promise.reject('plain string')))).subscribe(s2);
      await settle();
      expect(s1.error?.message).toBe('then failed');
      expect(s2.error).toBeInstanceOf(Error);
      expect(s2.error?.message).toContain('plain string');
    });
  });

  describe('cancellation', () => {
    it('ignores outcomes that arrive after cancel, reporting none of them', async () => {
      const reported = captureReportedErrors();
      try {
        const pending = [deferred<number>(), deferred<number>()];
        const s = new TestSubscriber<number>('unbounded');
        range(0, 2).pipe(mergeMap((i: number) => from(pending[i]!.promise))).subscribe(s);
        s.cancel();
        pending[0]!.resolve(1);
        pending[1]!.reject(new Error('late'));
        await settle();
        expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'cancel']);
        expect(reported.errors).toEqual([]);
      } finally {
        reported.restore();
      }
    });

    it('releases the subscriber on cancel although its promises never settle (§3.13)', async () => {
      const never = new Promise<number>(() => {});
      const ref = (() => {
        const s = new TestSubscriber<number>('unbounded');
        range(0, 3).pipe(mergeMap(() => from(never))).subscribe(s);
        s.cancel();
        return new WeakRef(s);
      })();
      expect(await isCollected(ref)).toBe(true);
    });

    it('stops taking values when the subscriber cancels from inside onNext', async () => {
      const s = new TestSubscriber<number>({ initialRequest: 10, onNext: (_, sub) => sub.cancel() });
      range(0, 3).pipe(mergeMap((i: number) => from(Promise.resolve(i)))).subscribe(s);
      await settle();
      expect(s.log).toEqual(['subscribe', 'request(10)', 'next(0)', 'cancel']);
      expect(s.violations).toEqual([]);
    });
  });
});
