import { describe, expect, it } from 'vitest';
import { isInspectable } from '../../src/internal/inspect';
import { concatMap } from '../../src/operators/concatMap';
import { range } from '../../src/sources/range';
import type { Publisher } from '../../src/spec/Publisher';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { asyncPublisher, isReleased, recorded, testPublishers } from './_helpers/flatten';
import { runFlattenModel } from './_helpers/flattenModel';

describe('concatMap', () => {
  operatorContract('concatMap', {
    apply: (source) => concatMap((x: number) => range(x * 10, 2))(source),
    applyThrowing: (source) =>
      concatMap(() => {
        throw new Error('project failed');
      })(source),
    upstreamBound: () => 2,
  });

  describe('behaviour', () => {
    it('emits each inner completely before the next one, in outer order', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(1, 3).pipe(concatMap((x) => range(x * 10, 2))).subscribe(s);
      expect(s.values).toEqual([10, 11, 20, 21, 30, 31]);
      expect(s.completed).toBe(true);
    });

    it('keeps outer order with asynchronous inners', async () => {
      const s = new TestSubscriber<string>('unbounded');
      range(0, 3).pipe(concatMap((i) => asyncPublisher([`${i}a`, `${i}b`, `${i}c`]))).subscribe(s);
      while (!s.terminated) await new Promise((resolve) => setTimeout(resolve, 1));
      expect(s.values).toEqual(['0a', '0b', '0c', '1a', '1b', '1c', '2a', '2b', '2c']);
      expect(s.completed).toBe(true);
    });

    it('subscribes to the next inner only after the previous one completed', () => {
      const outer = new TestPublisher<number>();
      const inners = testPublishers<string>(2);
      const s = new TestSubscriber<string>('unbounded');
      concatMap((i: number) => inners[i]!)(outer).subscribe(s);
      outer.next(0, 1);
      expect(inners.map((inner) => inner.subscriberCount)).toEqual([1, 0]);
      inners[0]!.next('a');
      inners[0]!.complete();
      expect(inners.map((inner) => inner.subscriberCount)).toEqual([1, 1]);
      inners[1]!.next('b');
      outer.complete();
      inners[1]!.complete();
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(a)', 'next(b)', 'complete']);
    });
  });

  describe('demand', () => {
    it('prefetches two outer items and requests one more per finished inner', () => {
      const s = new TestSubscriber<string>();
      const outer = new TestPublisher<number>();
      const inners = testPublishers<string>(3);
      const names = ['a', 'b', 'c'];
      concatMap((i: number) => recorded(names[i]!, inners[i]!, s.log), { innerPrefetch: 2 })(recorded('outer', outer, s.log)).subscribe(s);
      outer.next(0, 1); // b waits in the outer queue
      s.request(3);
      inners[0]!.next('a1', 'a2');
      inners[0]!.complete();
      inners[1]!.next('b1');
      outer.next(2);
      outer.complete();
      inners[1]!.complete();
      s.request(1);
      inners[2]!.complete();
      expect(s.log).toEqual([
        'subscribe',
        'outer.request(2)',
        'a.request(2)',
        'request(3)',
        'next(a1)',
        'next(a2)',
        'a.request(2)', // both of a's 2 emitted: replenish
        'b.request(2)',
        'outer.request(1)',
        'next(b1)',
        'c.request(2)',
        'request(1)',
        'complete',
      ]);
      expect(s.violations).toEqual([]);
    });

    it('keeps order and every bound under 200 seeded random interleavings', () => {
      let sent = 0;
      for (let seed = 1; seed <= 200; seed++) {
        sent += runFlattenModel(
          seed,
          (random) => ({ concurrency: 1, outerPrefetch: 1 + random(3), prefetch: 1 + random(5), ordered: true }),
          (project, { outerPrefetch, prefetch }) => concatMap(project, { prefetch: outerPrefetch, innerPrefetch: prefetch }),
        );
      }
      expect(sent).toBeGreaterThan(1000); // the model really moved items
    });

    it('reports the running inner and the waiting outer items through inspect()', () => {
      const outer = new TestPublisher<number>();
      const inners = testPublishers<number>(3);
      const s = new TestSubscriber<number>();
      concatMap((i: number) => inners[i]!, { prefetch: 3, innerPrefetch: 4 })(outer).subscribe(s);
      outer.next(0, 1, 2);
      inners[0]!.next(1, 2);
      const snapshot = isInspectable(s.subscription) ? s.subscription.inspect() : null;
      expect(snapshot).toEqual({
        stage: 'concatMap',
        capacity: 4 + 2,
        buffered: 2 + 2,
        requested: 0,
        upstreamRequested: 0,
        received: 2,
        emitted: 0,
        dropped: 0,
        terminated: false,
        cancelled: false,
        jobs: { active: 1, queued: 2, concurrency: 1, completed: 0, failed: 0 }, // two outer items wait for the slot
      });
    });
  });

  describe('errors', () => {
    it('fails at once on an inner error and never subscribes the waiting inners', () => {
      const outer = new TestPublisher<number>();
      const inners = testPublishers<number>(2);
      const s = new TestSubscriber<number>(5);
      concatMap((i: number) => inners[i]!)(outer).subscribe(s);
      outer.next(0, 1);
      inners[0]!.error(new Error('inner failed'));
      expect(s.log).toEqual(['subscribe', 'request(5)', 'error(Error: inner failed)']);
      expect(outer.cancelled).toBe(true);
      expect(inners[1]!.subscriberCount).toBe(0);
    });

    it('signals TypeError when project returns a non-Publisher', () => {
      const s = new TestSubscriber<number>(1);
      range(0, 3).pipe(concatMap(() => 'nope' as unknown as Publisher<number>)).subscribe(s);
      expect(s.error).toBeInstanceOf(TypeError);
      expect(s.error?.message).toMatch(/^concatMap: the project function returned "nope"/);
    });

    it('validates its arguments at assembly time', () => {
      expect(() => concatMap(null as never)).toThrow(TypeError);
      expect(() => concatMap(() => range(0, 1), { prefetch: 0 })).toThrow(RangeError);
      expect(() => concatMap(() => range(0, 1), { innerPrefetch: 2.5 })).toThrow(RangeError);
    });
  });

  describe('cancellation', () => {
    it('cancels the outer and the running inner and drops waiting outer items', () => {
      const outer = new TestPublisher<number>();
      const inners = testPublishers<number>(2);
      const s = new TestSubscriber<number>(1);
      concatMap((i: number) => inners[i]!)(outer).subscribe(s);
      outer.next(0, 1);
      s.cancel();
      expect(outer.cancelled).toBe(true);
      expect(inners[0]!.cancelled).toBe(true);
      expect(inners[1]!.subscriberCount).toBe(0);
    });

    it('releases the subscriber after cancel while an inner runs (§3.13)', async () => {
      const outer = new TestPublisher<number>();
      const inner = new TestPublisher<number>();
      const ref = (() => {
        const s = new TestSubscriber<number>(1);
        concatMap(() => inner)(outer).subscribe(s);
        outer.next(0, 1);
        inner.next(1, 2);
        s.cancel();
        return new WeakRef(s);
      })();
      expect(await isReleased(ref)).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('completes for empty inners without demand', () => {
      const s = new TestSubscriber<number>();
      range(0, 4).pipe(concatMap(() => range(0, 0))).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('runs 1,000,000 synchronous inners without stack overflow', () => {
      let last = -1;
      let ordered = true;
      const check = new TestSubscriber<number>({
        initialRequest: 'unbounded',
        onNext: (x) => {
          if (x !== last + 1) ordered = false;
          last = x;
        },
      });
      check.recordLog = false;
      check.keepValues = false;
      range(0, 1_000_000).pipe(concatMap((x) => range(x, 1))).subscribe(check);
      expect(check.count).toBe(1_000_000);
      expect(ordered).toBe(true);
      expect(check.completed).toBe(true);
    });

    it('keeps onNext depth at 1 with request(1) from inside onNext across many inners', () => {
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      s.recordLog = false;
      s.keepValues = false;
      range(0, 100_000).pipe(concatMap((x) => range(x, 2))).subscribe(s);
      expect(s.count).toBe(200_000);
      expect(s.maxOnNextDepth).toBe(1);
      expect(s.violations).toEqual([]);
    });
  });
});
