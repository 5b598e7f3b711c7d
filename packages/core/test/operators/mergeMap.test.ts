import { describe, expect, it } from 'vitest';
import { isInspectable } from '../../src/internal/inspect';
import { flatMap, mergeMap } from '../../src/operators/mergeMap';
import { from } from '../../src/sources/from';
import { range } from '../../src/sources/range';
import type { Publisher } from '../../src/spec/Publisher';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { asyncPublisher, isReleased, recorded, testPublishers } from './_helpers/flatten';
import { runFlattenModel } from './_helpers/flattenModel';

describe('mergeMap', () => {
  operatorContract('mergeMap', {
    apply: (source) => mergeMap((x: number) => range(x * 10, 2))(source),
    applyThrowing: (source) =>
      mergeMap(() => {
        throw new Error('project failed');
      })(source),
    upstreamBound: () => 16,
  });

  operatorContract('mergeMap with concurrency 1 and prefetch 1', {
    apply: (source) => mergeMap((x: number) => range(x * 10, 3), { concurrency: 1, prefetch: 1 })(source),
    upstreamBound: () => 1,
  });

  describe('behaviour', () => {
    it('emits the items of synchronous inners in order', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(1, 3).pipe(mergeMap((x) => range(x * 10, 2), { concurrency: 2 })).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(10)', 'next(11)', 'next(20)', 'next(21)', 'next(30)', 'next(31)', 'complete']);
      expect(s.violations).toEqual([]);
    });

    it('interleaves concurrent inners in the order their items arrive', () => {
      const outer = new TestPublisher<number>();
      const inners = testPublishers<string>(2);
      const s = new TestSubscriber<string>('unbounded');
      mergeMap((i: number) => inners[i]!)(outer).subscribe(s);
      outer.next(0, 1);
      inners[0]!.next('a1');
      inners[1]!.next('b1');
      inners[0]!.next('a2');
      inners[0]!.complete();
      inners[1]!.next('b2');
      outer.complete();
      inners[1]!.complete();
      expect(s.values).toEqual(['a1', 'b1', 'a2', 'b2']);
      expect(s.completed).toBe(true);
      expect(s.violations).toEqual([]);
    });

    it('passes each item and its index to project', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(5, 3).pipe(mergeMap((x, i) => range(x * 10 + i, 1))).subscribe(s);
      expect(s.values).toEqual([50, 61, 72]);
    });

    it('merges asynchronous inners and completes after the last one', async () => {
      const s = new TestSubscriber<string>('unbounded');
      range(0, 3).pipe(mergeMap((x) => asyncPublisher([`${x}a`, `${x}b`]))).subscribe(s);
      while (!s.terminated) await new Promise((resolve) => setTimeout(resolve, 1));
      expect([...s.values].sort()).toEqual(['0a', '0b', '1a', '1b', '2a', '2b']);
      expect(s.values.indexOf('0a')).toBeLessThan(s.values.indexOf('0b'));
      expect(s.completed).toBe(true);
      expect(s.violations).toEqual([]);
    });

    it('flattens Promise-based inners in resolution order', async () => {
      const resolvers: ((value: string) => void)[] = [];
      const s = new TestSubscriber<string>('unbounded');
      range(0, 3)
        .pipe(mergeMap(() => from(new Promise<string>((resolve) => resolvers.push(resolve)))))
        .subscribe(s);
      for (const i of [1, 2, 0]) {
        resolvers[i]!(`p${i}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(p1)', 'next(p2)', 'next(p0)', 'complete']);
    });

    it('exports flatMap as an alias of mergeMap', () => {
      expect(flatMap).toBe(mergeMap);
    });
  });

  describe('demand', () => {
    it('requests concurrency outer items, prefetch per inner, and one outer item per finished inner', () => {
      const s = new TestSubscriber<string>();
      const outer = new TestPublisher<number>();
      const inners = testPublishers<string>(3);
      const names = ['a', 'b', 'c'];
      mergeMap((i: number) => recorded(names[i]!, inners[i]!, s.log), { concurrency: 2, prefetch: 4 })(
        recorded('outer', outer, s.log),
      ).subscribe(s);
      outer.next(0, 1);
      s.request(2);
      inners[0]!.next('a1');
      inners[1]!.next('b1');
      inners[0]!.next('a2'); // queued: no demand left
      inners[0]!.complete(); // not finished yet: a2 still waits
      s.request(1);
      outer.next(2);
      s.request(5);
      inners[1]!.next('b2', 'b3');
      inners[2]!.next('c1');
      outer.complete();
      inners[1]!.complete();
      inners[2]!.complete();
      expect(s.log).toEqual([
        'subscribe',
        'outer.request(2)',
        'a.request(4)',
        'b.request(4)',
        'request(2)',
        'next(a1)',
        'next(b1)',
        'request(1)',
        'next(a2)',
        'outer.request(1)', // a finished only now that a2 was emitted
        'c.request(4)',
        'request(5)',
        'next(b2)',
        'next(b3)',
        'b.request(3)', // 3 of b's 4 emitted: replenish at 75%
        'next(c1)',
        'complete',
      ]);
      expect(s.violations).toEqual([]);
    });

    it('never has more inner subscriptions than concurrency', () => {
      const subscribed: TestPublisher<number>[] = [];
      let live = 0;
      let maxLive = 0;
      const s = new TestSubscriber<number>('unbounded');
      range(0, 10)
        .pipe(
          mergeMap(
            () => {
              const inner = new TestPublisher<number>();
              subscribed.push(inner);
              live++;
              maxLive = Math.max(maxLive, live);
              return inner;
            },
            { concurrency: 3 },
          ),
        )
        .subscribe(s);
      expect(subscribed.length).toBe(3);
      for (let i = 0; i < subscribed.length; i++) {
        live--;
        subscribed[i]!.next(i);
        subscribed[i]!.complete();
      }
      expect(subscribed.length).toBe(10);
      expect(maxLive).toBe(3);
      expect(s.values).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(s.completed).toBe(true);
    });

    it('requests the outer unbounded and subscribes every inner when concurrency is Infinity', () => {
      const outer = new TestPublisher<number>();
      const inners = testPublishers<number>(50);
      const s = new TestSubscriber<number>(1);
      mergeMap((i: number) => inners[i]!, { concurrency: Infinity })(outer).subscribe(s);
      expect(outer.requests).toEqual([Number.MAX_SAFE_INTEGER]); // the boundary adapter's unbounded
      outer.next(...inners.map((_, i) => i));
      expect(inners.every((inner) => inner.requests[0] === 32)).toBe(true);
    });

    it('holds inner items in bounded queues until requested', () => {
      const s = new TestSubscriber<number>();
      const sub = range(0, 3).pipe(mergeMap((x) => range(x * 10, 5), { prefetch: 4 }));
      sub.subscribe(s);
      const snapshot = isInspectable(s.subscription) ? s.subscription.inspect() : null;
      expect(snapshot).toMatchObject({ stage: 'mergeMap', buffered: 12, capacity: 16 * 4, requested: 0, emitted: 0 });
      s.request(6);
      expect(s.values).toEqual([0, 1, 2, 3, 4, 10]); // 3 of 4 emitted → the first inner is replenished and its 5th item arrives in time
      expect(s.violations).toEqual([]);
    });

    it('reports depth and demand through inspect()', () => {
      const outer = new TestPublisher<number>();
      const inners = testPublishers<number>(2);
      const s = new TestSubscriber<number>(1);
      mergeMap((i: number) => inners[i]!, { concurrency: 2, prefetch: 8 })(outer).subscribe(s);
      outer.next(0);
      inners[0]!.next(1, 2, 3);
      expect(isInspectable(s.subscription)).toBe(true);
      const snapshot = (s.subscription as unknown as { inspect(): unknown }).inspect();
      expect(snapshot).toEqual({
        stage: 'mergeMap',
        capacity: 16,
        buffered: 2,
        requested: 0,
        upstreamRequested: 1,
        received: 3,
        emitted: 1,
        dropped: 0,
        terminated: false,
        cancelled: false,
        jobs: { active: 1, queued: 0, concurrency: 2, completed: 0, failed: 0 },
      });
    });

    it('keeps every bound under 200 seeded random interleavings of requests and signals', () => {
      let sent = 0;
      for (let seed = 1; seed <= 200; seed++) {
        sent += runFlattenModel(
          seed,
          (random) => {
            const concurrency = 1 + random(4);
            return { concurrency, outerPrefetch: concurrency, prefetch: 1 + random(5), ordered: false };
          },
          (project, { concurrency, prefetch }) => mergeMap(project, { concurrency, prefetch }),
        );
      }
      expect(sent).toBeGreaterThan(1000); // the model really moved items
    });

    it('keeps onNext depth at 1 when request(1) is called from inside onNext with many inners', () => {
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      s.recordLog = false;
      range(0, 10_000).pipe(mergeMap((x) => range(x, 3), { concurrency: 4 })).subscribe(s);
      expect(s.count).toBe(30_000);
      expect(s.maxOnNextDepth).toBe(1);
      expect(s.completed).toBe(true);
      expect(s.violations).toEqual([]);
    });
  });

  describe('errors', () => {
    it('cancels the outer and live inners and signals onError when project throws', () => {
      const s = new TestSubscriber<number>('unbounded');
      const outer = new TestPublisher<number>();
      const inner = new TestPublisher<number>();
      const boom = new Error('boom');
      mergeMap((i: number) => {
        if (i === 1) throw boom;
        return inner;
      })(outer).subscribe(s);
      outer.next(0, 1);
      expect(s.error).toBe(boom);
      expect(outer.cancelled).toBe(true);
      expect(inner.cancelled).toBe(true);
    });

    it.each([
      ['null', null],
      ['a number', 42],
      ['a plain object', {}],
    ])('signals TypeError when project returns %s', (_, result) => {
      const s = new TestSubscriber<number>('unbounded');
      const outer = new TestPublisher<number>();
      mergeMap(() => result as unknown as Publisher<number>)(outer).subscribe(s);
      outer.next(0);
      expect(s.error).toBeInstanceOf(TypeError);
      expect(s.error?.message).toMatch(/^mergeMap: the project function returned .*, which is not a Publisher/);
      expect(outer.cancelled).toBe(true);
    });

    it('fails eagerly on an inner error: cancels everything and drops queued items', () => {
      const s = new TestSubscriber<string>();
      const outer = new TestPublisher<number>();
      const inners = testPublishers<string>(2);
      mergeMap((i: number) => inners[i]!)(outer).subscribe(s);
      outer.next(0, 1);
      inners[0]!.next('queued');
      const boom = new Error('inner failed');
      inners[1]!.error(boom);
      expect(s.log).toEqual(['subscribe', 'error(Error: inner failed)']);
      expect(outer.cancelled).toBe(true);
      expect(inners[0]!.cancelled).toBe(true);
    });

    it('cancels every inner on an outer error', () => {
      const s = new TestSubscriber<string>(1);
      const outer = new TestPublisher<number>();
      const inners = testPublishers<string>(2);
      mergeMap((i: number) => inners[i]!)(outer).subscribe(s);
      outer.next(0, 1);
      outer.error(new Error('outer failed'));
      expect(s.error?.message).toBe('outer failed');
      expect(inners.map((inner) => inner.cancelled)).toEqual([true, true]);
    });

    it('drops an error that arrives after the first one, from an inner it already cancelled (onErrorDropped)', () => {
      const reported = captureReportedErrors();
      try {
        const s = new TestSubscriber<string>(1);
        const outer = new TestPublisher<number>();
        const inners = testPublishers<string>(2);
        mergeMap((i: number) => inners[i]!)(outer).subscribe(s);
        outer.next(0, 1);
        inners[0]!.error(new Error('first'));
        inners[1]!.error(new Error('second'));
        expect(s.error?.message).toBe('first');
        expect(reported.dropped).toEqual([new Error('second')]);
        expect(reported.errors).toEqual([]);
        expect(s.violations).toEqual([]);
      } finally {
        reported.restore();
      }
    });

    it('fails with a §1.1 error when a foreign inner emits beyond its prefetch', () => {
      const outer = new TestPublisher<number>();
      const inner = new TestPublisher<number>({ allow: { overDelivery: true } });
      const s = new TestSubscriber<number>();
      mergeMap(() => inner, { prefetch: 2 })(outer).subscribe(s);
      outer.next(0);
      inner.next(1, 2, 3);
      expect(s.error?.message).toMatch(/^§1\.1:/);
      expect(outer.cancelled).toBe(true);
      expect(inner.cancelled).toBe(true);
    });

    it('cancels everything and reports when the downstream onNext throws (§2.13)', () => {
      const reported = captureReportedErrors();
      try {
        const outer = new TestPublisher<number>();
        const inners = testPublishers<number>(2);
        const s = new TestSubscriber<number>({
          initialRequest: 5,
          onNext: () => {
            throw new Error('subscriber bug');
          },
        });
        mergeMap((i: number) => inners[i]!)(outer).subscribe(s);
        outer.next(0, 1);
        inners[0]!.next(1);
        expect(reported.errors).toEqual([new Error('subscriber bug')]);
        expect([outer.cancelled, inners[0]!.cancelled, inners[1]!.cancelled]).toEqual([true, true, true]);
        expect(s.terminated).toBe(false);
      } finally {
        reported.restore();
      }
    });

    it('validates its arguments at assembly time', () => {
      expect(() => mergeMap(42 as never)).toThrow(TypeError);
      expect(() => mergeMap(() => range(0, 1), { concurrency: 0 })).toThrow(RangeError);
      expect(() => mergeMap(() => range(0, 1), { concurrency: 1.5 })).toThrow(RangeError);
      expect(() => mergeMap(() => range(0, 1), { prefetch: Infinity })).toThrow(RangeError);
      expect(() => mergeMap(() => range(0, 1), { prefetch: -1 })).toThrow(RangeError);
      // RxJS's mergeMap(project, 8) form: refused with a message naming the options object, never silently ignored
      expect(() => mergeMap(() => range(0, 1), 8 as never)).toThrow(/options must be an object such as \{ concurrency: 8 \}, got number/);
      expect(() => mergeMap(() => range(0, 1), null as never)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels the outer and every live inner', () => {
      const s = new TestSubscriber<string>(1);
      const outer = new TestPublisher<number>();
      const inners = testPublishers<string>(3);
      mergeMap((i: number) => inners[i]!)(outer).subscribe(s);
      outer.next(0, 1, 2);
      inners[1]!.next('x');
      s.cancel();
      expect(outer.cancelled).toBe(true);
      expect(inners.map((inner) => inner.cancelled)).toEqual([true, true, true]);
    });

    it('stops emitting queued items when cancelled from inside onNext', () => {
      const s = new TestSubscriber<number>({ initialRequest: 'unbounded', onNext: (_, sub) => sub.cancel() });
      range(0, 3).pipe(mergeMap((x) => range(x * 10, 3))).subscribe(s);
      expect(s.values).toEqual([0]);
      expect(s.violations).toEqual([]);
    });

    for (const ending of ['cancel', 'inner error', 'outer error'] as const) {
      it(`releases the subscriber and all inners after ${ending} (§3.13)`, async () => {
        const outer = new TestPublisher<number>();
        const inners = testPublishers<string>(3);
        const ref = (() => {
          const s = new TestSubscriber<string>(1);
          mergeMap((i: number) => inners[i]!)(outer).subscribe(s);
          outer.next(0, 1, 2);
          inners[0]!.next('a', 'b');
          if (ending === 'cancel') s.cancel();
          else if (ending === 'inner error') inners[2]!.error(new Error('inner'));
          else outer.error(new Error('outer'));
          return new WeakRef(s);
        })();
        // The publishers are kept alive (and keep their last subscriber): only the stage's own references matter.
        expect(await isReleased(ref)).toBe(true);
        expect(inners.map((inner) => inner.cancelled || inner.terminated)).toEqual([true, true, true]);
      });
    }
  });

  describe('empty and edge cases', () => {
    it('completes without demand when every inner is empty', () => {
      const s = new TestSubscriber<number>();
      range(0, 5).pipe(mergeMap(() => range(0, 0))).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('waits for live inners after the outer completes', () => {
      const s = new TestSubscriber<number>('unbounded');
      const outer = new TestPublisher<number>();
      const inner = new TestPublisher<number>();
      mergeMap(() => inner)(outer).subscribe(s);
      outer.next(0);
      outer.complete();
      expect(s.completed).toBe(false);
      inner.next(7);
      inner.complete();
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(7)', 'complete']);
    });

    it('runs 1,000,000 synchronous inners without stack overflow', () => {
      const s = new TestSubscriber<number>('unbounded');
      s.recordLog = false;
      s.keepValues = false;
      range(0, 1_000_000).pipe(mergeMap((x) => range(x, 1))).subscribe(s);
      expect(s.count).toBe(1_000_000);
      expect(s.completed).toBe(true);
    });

    it('runs 1,000,000 items from one synchronous inner requested one by one', () => {
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      s.recordLog = false;
      s.keepValues = false;
      range(0, 1).pipe(mergeMap(() => range(0, 1_000_000))).subscribe(s);
      expect(s.count).toBe(1_000_000);
      expect(s.maxOnNextDepth).toBe(1);
      expect(s.completed).toBe(true);
    });
  });

  describe('worker pools', () => {
    /** A project function that records the AbortSignal of every job it starts. */
    function signalled(inners: TestPublisher<string>[], signals: AbortSignal[]) {
      return (i: number, _index: number, signal: AbortSignal) => {
        signals.push(signal);
        return inners[i]!;
      };
    }

    it('passes each job its index and an AbortSignal that aborts when the subscriber cancels', () => {
      const outer = new TestPublisher<number>();
      const inners = testPublishers<string>(2);
      const seen: string[] = [];
      const s = new TestSubscriber<string>('unbounded');
      mergeMap((i: number, index: number, signal: AbortSignal) => {
        seen.push(`job ${i} index ${index}`);
        signal.addEventListener('abort', () => seen.push(`abort ${index}`));
        return inners[i]!;
      })(outer).subscribe(s);
      outer.next(0, 1);
      inners[0]!.next('a');
      s.cancel();
      expect(seen).toEqual(['job 0 index 0', 'job 1 index 1', 'abort 0', 'abort 1']);
    });

    it('never aborts the signal of a job that completed or failed by itself', () => {
      const outer = new TestPublisher<number>();
      const inners = testPublishers<string>(3);
      const signals: AbortSignal[] = [];
      const failures: string[] = [];
      const s = new TestSubscriber<string>('unbounded');
      mergeMap(signalled(inners, signals), { onJobError: (error) => failures.push(error.message) })(outer).subscribe(s);
      outer.next(0, 1, 2);
      inners[0]!.next('a');
      inners[0]!.complete();
      inners[1]!.error(new Error('job 1 failed'));
      s.cancel(); // only job 2 is still running
      expect(signals.map((signal) => signal.aborted)).toEqual([false, false, true]);
      expect(failures).toEqual(['job 1 failed']);
    });

    it('aborts the running jobs when another job fails the stage (default mode)', () => {
      const outer = new TestPublisher<number>();
      const inners = testPublishers<string>(3);
      const signals: AbortSignal[] = [];
      const s = new TestSubscriber<string>('unbounded');
      mergeMap(signalled(inners, signals))(outer).subscribe(s);
      outer.next(0, 1, 2);
      inners[1]!.error(new Error('job 1 failed'));
      expect(s.error?.message).toBe('job 1 failed');
      expect(signals.map((signal) => signal.aborted)).toEqual([true, false, true]);
      expect(signals[0]!.reason).toBeInstanceOf(DOMException);
      expect((signals[0]!.reason as DOMException).name).toBe('AbortError');
    });

    it('aborts the running jobs when the outer fails', () => {
      const outer = new TestPublisher<number>();
      const inners = testPublishers<string>(2);
      const signals: AbortSignal[] = [];
      const s = new TestSubscriber<string>('unbounded');
      mergeMap(signalled(inners, signals))(outer).subscribe(s);
      outer.next(0, 1);
      outer.error(new Error('outer'));
      expect(signals.map((signal) => signal.aborted)).toEqual([true, true]);
    });

    it('reports a failing job with its item and index, counts it and goes on with the next item', () => {
      const outer = new TestPublisher<number>();
      const inners = testPublishers<string>(4);
      const reported: string[] = [];
      const s = new TestSubscriber<string>('unbounded');
      const stage = mergeMap((i: number) => inners[i]!, {
        concurrency: 2,
        onJobError: (error, value, index) => reported.push(`${error.message} (item ${value}, index ${index})`),
      });
      stage(outer).subscribe(s);
      outer.next(0, 1);
      expect(outer.requests).toEqual([2]);
      inners[0]!.next('a0');
      inners[0]!.error(new Error('boom'));
      expect(outer.requests).toEqual([2, 1]); // the failed job's slot is free again
      outer.next(2);
      inners[1]!.next('a1');
      inners[1]!.complete();
      inners[2]!.next('a2');
      inners[2]!.complete();
      outer.complete();
      expect(s.values).toEqual(['a0', 'a1', 'a2']); // the failed job's item before its error is still delivered
      expect(reported).toEqual(['boom (item 0, index 0)']);
      expect(s.completed).toBe(true);
      const snapshot = isInspectable(s.subscription) ? s.subscription.inspect() : null;
      expect(snapshot?.jobs).toEqual({ active: 0, queued: 0, concurrency: 2, completed: 3, failed: 1 });
    });

    it('reports a project function that throws as a failed job and requests a replacement item', () => {
      const reported: number[] = [];
      const s = new TestSubscriber<number>('unbounded');
      range(0, 6)
        .pipe(
          mergeMap(
            (x: number) => {
              if (x % 2 === 1) throw new Error(`odd ${x}`);
              return range(x * 10, 1);
            },
            { concurrency: 1, onJobError: (_, value) => reported.push(value) },
          ),
        )
        .subscribe(s);
      expect(s.values).toEqual([0, 20, 40]);
      expect(reported).toEqual([1, 3, 5]);
      expect(s.completed).toBe(true);
      expect(s.violations).toEqual([]);
    });

    it('fails the stage with what onJobError threw, cancelling the others', () => {
      const outer = new TestPublisher<number>();
      const inners = testPublishers<string>(2);
      const signals: AbortSignal[] = [];
      const s = new TestSubscriber<string>('unbounded');
      const broken = new Error('callback broke');
      mergeMap(signalled(inners, signals), {
        onJobError: () => {
          throw broken;
        },
      })(outer).subscribe(s);
      outer.next(0, 1);
      inners[0]!.error(new Error('job'));
      expect(s.error).toBe(broken);
      expect(outer.cancelled).toBe(true);
      expect(inners[1]!.cancelled).toBe(true);
      expect(signals[1]!.aborted).toBe(true);
    });

    it('still fails the stage when project returns something that is not a Publisher, even with onJobError', () => {
      const reported: unknown[] = [];
      const s = new TestSubscriber<number>('unbounded');
      range(0, 3)
        .pipe(mergeMap(() => 42 as unknown as Publisher<number>, { onJobError: (error) => reported.push(error) }))
        .subscribe(s);
      expect(s.error).toBeInstanceOf(TypeError);
      expect(reported).toEqual([]);
    });

    it('reports busy slots and completed jobs in inspect().jobs as jobs start and finish', () => {
      const outer = new TestPublisher<number>();
      const inners = testPublishers<string>(3);
      const s = new TestSubscriber<string>(0);
      mergeMap((i: number) => inners[i]!, { concurrency: 3, prefetch: 2 })(outer).subscribe(s);
      const jobs = () => (isInspectable(s.subscription) ? s.subscription.inspect().jobs : undefined);
      expect(jobs()).toEqual({ active: 0, queued: 0, concurrency: 3, completed: 0, failed: 0 });
      outer.next(0, 1, 2);
      inners[0]!.next('x');
      inners[0]!.complete(); // completed but its item is not emitted yet: the slot is still busy
      inners[1]!.complete();
      expect(jobs()).toEqual({ active: 2, queued: 0, concurrency: 3, completed: 1, failed: 0 });
      s.request(1);
      expect(jobs()).toEqual({ active: 1, queued: 0, concurrency: 3, completed: 2, failed: 0 });
    });

    it('rejects an onJobError that is not a function at assembly', () => {
      expect(() => mergeMap((x: number) => range(x, 1), { onJobError: 'log' as never })).toThrow(
        /mergeMap: onJobError must be a function, got string/,
      );
    });
  });
});
