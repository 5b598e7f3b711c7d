import { describe, expect, it } from 'vitest';
import { isInspectable } from '../../src/internal/inspect';
import { exhaustMap } from '../../src/operators/exhaustMap';
import { range } from '../../src/sources/range';
import type { Publisher } from '../../src/spec/Publisher';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { isReleased, recorded, testPublishers } from './_helpers/flatten';
import { runSingleInnerModel } from './_helpers/singleInnerModel';

function snapshot(s: { subscription: unknown }): unknown {
  return isInspectable(s.subscription) ? s.subscription.inspect() : null;
}

describe('exhaustMap', () => {
  operatorContract('exhaustMap', {
    apply: (source) => exhaustMap((x: number) => range(x * 10, 2))(source),
    applyThrowing: (source) =>
      exhaustMap(() => {
        throw new Error('project failed');
      })(source),
    upstreamBound: () => 1,
  });

  describe('behaviour', () => {
    it('ignores outer items while an inner is live and starts the next one after it', () => {
      const outer = new TestPublisher<number>();
      const inners = testPublishers<string>(4);
      const projected: number[] = [];
      const s = new TestSubscriber<string>('unbounded');
      exhaustMap((i: number) => {
        projected.push(i);
        return inners[i]!;
      })(outer).subscribe(s);
      outer.next(0);
      inners[0]!.next('a1');
      outer.next(1, 2);
      inners[0]!.next('a2');
      inners[0]!.complete();
      outer.next(3);
      inners[3]!.next('d1');
      outer.complete();
      inners[3]!.complete();
      expect(projected).toEqual([0, 3]);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(a1)', 'next(a2)', 'next(d1)', 'complete']);
      expect(inners[1]!.subscriberCount + inners[2]!.subscriberCount).toBe(0);
    });

    it('runs every inner when synchronous inners finish before the next outer item', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(1, 3).pipe(exhaustMap((x) => range(x * 10, 2))).subscribe(s);
      expect(s.values).toEqual([10, 11, 20, 21, 30, 31]);
      expect(s.completed).toBe(true);
    });

    it('keeps an inner live until its queued items were emitted', () => {
      const outer = new TestPublisher<number>();
      const inners = testPublishers<number>(2);
      const s = new TestSubscriber<number>(1);
      exhaustMap((i: number) => inners[i]!)(outer).subscribe(s);
      outer.next(0);
      inners[0]!.next(1, 2);
      inners[0]!.complete();
      outer.next(1); // 2 still queued: the inner is live, so 1 is ignored
      s.request(5);
      expect(s.values).toEqual([1, 2]);
      expect(inners[1]!.subscriberCount).toBe(0);
    });
  });

  describe('demand', () => {
    it('requests the outer one item at a time, also for ignored items', () => {
      const s = new TestSubscriber<string>();
      const outer = new TestPublisher<number>();
      const inner = new TestPublisher<string>();
      exhaustMap(() => recorded('inner', inner, s.log), { prefetch: 2 })(recorded('outer', outer, s.log)).subscribe(s);
      outer.next(0);
      outer.next(1);
      s.request(1);
      inner.next('x', 'y');
      s.request(1);
      expect(s.log).toEqual([
        'subscribe',
        'outer.request(1)',
        'inner.request(2)',
        'outer.request(1)',
        'outer.request(1)', // after the ignored item
        'request(1)',
        'next(x)',
        'request(1)',
        'next(y)',
        'inner.request(2)', // 2 of 2 emitted: replenished (75% of 2 rounds up to 2)
      ]);
      expect(s.violations).toEqual([]);
    });

    it('counts ignored outer items as dropped in inspect()', () => {
      const outer = new TestPublisher<number>();
      const inner = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      exhaustMap(() => inner, { prefetch: 4 })(outer).subscribe(s);
      outer.next(0, 1, 2, 3);
      inner.next(7, 8);
      expect(snapshot(s)).toEqual({
        stage: 'exhaustMap',
        capacity: 4,
        buffered: 1,
        requested: 0,
        upstreamRequested: 1,
        received: 2,
        emitted: 1,
        dropped: 3,
        terminated: false,
        cancelled: false,
      });
    });

    it('keeps every bound and the expected output under 200 seeded random interleavings', () => {
      let sent = 0;
      for (let seed = 1; seed <= 200; seed++) sent += runSingleInnerModel(seed, 'exhaust');
      expect(sent).toBeGreaterThan(500); // the model really moved items
    });

    it('keeps onNext depth at 1 when request(1) is called from inside onNext', () => {
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      s.recordLog = false;
      range(0, 10_000).pipe(exhaustMap((x) => range(x, 3), { prefetch: 2 })).subscribe(s);
      expect(s.count).toBe(30_000);
      expect(s.maxOnNextDepth).toBe(1);
      expect(s.violations).toEqual([]);
    });
  });

  describe('errors', () => {
    it('cancels the outer and signals onError when project throws', () => {
      const s = new TestSubscriber<number>('unbounded');
      const outer = new TestPublisher<number>();
      exhaustMap<number, number>(() => {
        throw new Error('boom');
      })(outer).subscribe(s);
      outer.next(0);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'error(Error: boom)']);
      expect(outer.cancelled).toBe(true);
    });

    it('signals TypeError when project returns null', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(0, 2).pipe(exhaustMap(() => null as unknown as Publisher<number>)).subscribe(s);
      expect(s.error?.message).toBe('exhaustMap: the project function returned null, which is not a Publisher');
    });

    it('cancels the outer on an inner error and the inner on an outer error', () => {
      const s1 = new TestSubscriber<number>(1);
      const outer1 = new TestPublisher<number>();
      const inner1 = new TestPublisher<number>();
      exhaustMap(() => inner1)(outer1).subscribe(s1);
      outer1.next(0);
      inner1.error(new Error('inner failed'));
      expect([s1.error?.message, outer1.cancelled]).toEqual(['inner failed', true]);

      const s2 = new TestSubscriber<number>(1);
      const outer2 = new TestPublisher<number>();
      const inner2 = new TestPublisher<number>();
      exhaustMap(() => inner2)(outer2).subscribe(s2);
      outer2.next(0);
      outer2.error(new Error('outer failed'));
      expect([s2.error?.message, inner2.cancelled]).toEqual(['outer failed', true]);
    });

    it('validates its arguments at assembly time', () => {
      expect(() => exhaustMap('x' as never)).toThrow('exhaustMap: project must be a function, got string');
      expect(() => exhaustMap(() => range(0, 1), { prefetch: 1.5 })).toThrow(RangeError);
    });
  });

  describe('cancellation', () => {
    it('cancels the outer and the live inner', () => {
      const s = new TestSubscriber<number>(1);
      const outer = new TestPublisher<number>();
      const inner = new TestPublisher<number>();
      exhaustMap(() => inner)(outer).subscribe(s);
      outer.next(0);
      s.cancel();
      expect([outer.cancelled, inner.cancelled]).toEqual([true, true]);
    });

    it('releases the subscriber after cancel (§3.13)', async () => {
      const outer = new TestPublisher<number>();
      const inner = new TestPublisher<number>();
      const ref = (() => {
        const s = new TestSubscriber<number>(1);
        exhaustMap(() => inner)(outer).subscribe(s);
        outer.next(0);
        inner.next(1, 2);
        s.cancel();
        return new WeakRef(s);
      })();
      expect(await isReleased(ref)).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('completes after the outer when inners are empty', () => {
      const s = new TestSubscriber<number>();
      range(0, 3).pipe(exhaustMap(() => range(0, 0))).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('waits for the live inner after the outer completed', () => {
      const outer = new TestPublisher<number>();
      const inner = new TestPublisher<number>();
      const s = new TestSubscriber<number>('unbounded');
      exhaustMap(() => inner)(outer).subscribe(s);
      outer.next(0);
      outer.complete();
      expect(s.completed).toBe(false);
      inner.complete();
      expect(s.completed).toBe(true);
    });

    it('drops 1,000,000 synchronous outer items while one inner is live, without stack growth', () => {
      const inner = new TestPublisher<number>();
      const s = new TestSubscriber<number>('unbounded');
      range(0, 1_000_001).pipe(exhaustMap(() => inner)).subscribe(s);
      expect(snapshot(s)).toMatchObject({ dropped: 1_000_000, buffered: 0 });
      inner.next(5);
      inner.complete();
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(5)', 'complete']);
    });
  });
});
