import { describe, expect, it } from 'vitest';
import { isInspectable } from '../../src/internal/inspect';
import { switchMap } from '../../src/operators/switchMap';
import { range } from '../../src/sources/range';
import type { Publisher } from '../../src/spec/Publisher';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { isReleased, recorded, testPublishers } from './_helpers/flatten';
import { runSingleInnerModel } from './_helpers/singleInnerModel';

function snapshot(s: { subscription: unknown }): unknown {
  return isInspectable(s.subscription) ? s.subscription.inspect() : null;
}

describe('switchMap', () => {
  operatorContract('switchMap', {
    apply: (source) => switchMap((x: number) => range(x * 10, 2))(source),
    applyThrowing: (source) =>
      switchMap(() => {
        throw new Error('project failed');
      })(source),
    upstreamBound: () => 1,
  });

  describe('behaviour', () => {
    it('emits every item of synchronous inners, one inner after the other', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(1, 3).pipe(switchMap((x) => range(x * 10, 2))).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(10)', 'next(11)', 'next(20)', 'next(21)', 'next(30)', 'next(31)', 'complete']);
      expect(s.violations).toEqual([]);
    });

    it('cancels the running inner when the next outer item arrives', () => {
      const outer = new TestPublisher<number>();
      const inners = testPublishers<string>(2);
      const s = new TestSubscriber<string>('unbounded');
      switchMap((i: number) => inners[i]!)(outer).subscribe(s);
      outer.next(0);
      inners[0]!.next('a1');
      outer.next(1);
      expect(inners[0]!.cancelled).toBe(true);
      inners[1]!.next('b1');
      outer.complete();
      expect(s.completed).toBe(false);
      inners[1]!.complete();
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(a1)', 'next(b1)', 'complete']);
    });

    it('passes each item and its index to project', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(5, 3).pipe(switchMap((x, i) => range(x * 10 + i, 1))).subscribe(s);
      expect(s.values).toEqual([50, 61, 72]);
    });
  });

  describe('demand', () => {
    it('keeps one outer request outstanding and gives each inner its prefetch', () => {
      const s = new TestSubscriber<string>();
      const outer = new TestPublisher<number>();
      const inners = testPublishers<string>(2);
      const names = ['a', 'b'];
      switchMap((i: number) => recorded(names[i]!, inners[i]!, s.log), { prefetch: 4 })(recorded('outer', outer, s.log)).subscribe(s);
      outer.next(0);
      s.request(1);
      inners[0]!.next('a1', 'a2');
      outer.next(1);
      inners[1]!.next('b1', 'b2', 'b3');
      s.request(2);
      inners[1]!.complete();
      outer.complete();
      expect(s.completed).toBe(false); // b3 still waits for demand
      s.request(1);
      expect(s.log).toEqual([
        'subscribe',
        'outer.request(1)',
        'a.request(4)',
        'outer.request(1)',
        'request(1)',
        'next(a1)',
        'a.cancel', // a2 was queued without demand: discarded with its inner
        'b.request(4)',
        'outer.request(1)',
        'request(2)',
        'next(b1)',
        'next(b2)',
        'request(1)',
        'next(b3)',
        'complete',
      ]);
      expect(s.violations).toEqual([]);
    });

    it('carries unmet downstream demand over to the next inner exactly', () => {
      const outer = new TestPublisher<number>();
      const inners = testPublishers<number>(2);
      const s = new TestSubscriber<number>(5);
      switchMap((i: number) => inners[i]!)(outer).subscribe(s);
      outer.next(0);
      inners[0]!.next(1, 2);
      outer.next(1);
      inners[1]!.next(3, 4, 5, 6, 7);
      expect(s.values).toEqual([1, 2, 3, 4, 5]);
      s.request(1);
      expect(s.values).toEqual([1, 2, 3, 4, 5, 6]);
      expect(s.violations).toEqual([]);
    });

    it('replenishes the inner in batches of 75% of its prefetch', () => {
      const s = new TestSubscriber<number>();
      const outer = new TestPublisher<number>();
      const inner = new TestPublisher<number>();
      switchMap(() => recorded('inner', inner, s.log), { prefetch: 4 })(outer).subscribe(s);
      outer.next(0);
      inner.next(1, 2, 3, 4);
      s.request(3);
      expect(s.log).toEqual(['subscribe', 'inner.request(4)', 'request(3)', 'next(1)', 'next(2)', 'next(3)', 'inner.request(3)']);
    });

    it('reports queue depth, demand and discarded items through inspect()', () => {
      const outer = new TestPublisher<number>();
      const inners = testPublishers<number>(2);
      const s = new TestSubscriber<number>(1);
      switchMap((i: number) => inners[i]!, { prefetch: 8 })(outer).subscribe(s);
      outer.next(0);
      inners[0]!.next(1, 2, 3);
      outer.next(1);
      inners[1]!.next(4);
      expect(snapshot(s)).toEqual({
        stage: 'switchMap',
        capacity: 8,
        buffered: 1,
        requested: 0,
        upstreamRequested: 1,
        received: 4,
        emitted: 1,
        dropped: 2,
        terminated: false,
        cancelled: false,
      });
    });

    it('keeps every bound and the expected output under 200 seeded random interleavings', () => {
      let sent = 0;
      for (let seed = 1; seed <= 200; seed++) sent += runSingleInnerModel(seed, 'switch');
      expect(sent).toBeGreaterThan(500); // the model really moved items
    });

    it('keeps onNext depth at 1 when request(1) is called from inside onNext', () => {
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      s.recordLog = false;
      range(0, 10_000).pipe(switchMap((x) => range(x, 3), { prefetch: 2 })).subscribe(s);
      expect(s.count).toBe(30_000);
      expect(s.maxOnNextDepth).toBe(1);
      expect(s.completed).toBe(true);
      expect(s.violations).toEqual([]);
    });
  });

  describe('errors', () => {
    it('cancels the outer and the inner and signals onError when project throws', () => {
      const s = new TestSubscriber<number>('unbounded');
      const outer = new TestPublisher<number>();
      const inner = new TestPublisher<number>();
      switchMap((i: number) => {
        if (i === 1) throw new Error('boom');
        return inner;
      })(outer).subscribe(s);
      outer.next(0, 1);
      expect(s.error?.message).toBe('boom');
      expect([outer.cancelled, inner.cancelled]).toEqual([true, true]);
      expect(s.violations).toEqual([]);
    });

    it('signals TypeError when project returns something that is not a Publisher', () => {
      const s = new TestSubscriber<number>('unbounded');
      const outer = new TestPublisher<number>();
      switchMap(() => 42 as unknown as Publisher<number>)(outer).subscribe(s);
      outer.next(0);
      expect(s.error).toBeInstanceOf(TypeError);
      expect(s.error?.message).toBe('switchMap: the project function returned 42, which is not a Publisher');
      expect(outer.cancelled).toBe(true);
    });

    it('fails at once on an inner error, dropping queued items and cancelling the outer', () => {
      const s = new TestSubscriber<number>();
      const outer = new TestPublisher<number>();
      const inner = new TestPublisher<number>();
      switchMap(() => inner)(outer).subscribe(s);
      outer.next(0);
      inner.next(1);
      inner.error(new Error('inner failed'));
      expect(s.log).toEqual(['subscribe', 'error(Error: inner failed)']);
      expect(outer.cancelled).toBe(true);
    });

    it('cancels the inner on an outer error', () => {
      const s = new TestSubscriber<number>(1);
      const outer = new TestPublisher<number>();
      const inner = new TestPublisher<number>();
      switchMap(() => inner)(outer).subscribe(s);
      outer.next(0);
      outer.error(new Error('outer failed'));
      expect(s.error?.message).toBe('outer failed');
      expect(inner.cancelled).toBe(true);
    });

    it('drops, not delivers, an error from an inner that was switched away (onErrorDropped)', () => {
      const reported = captureReportedErrors();
      try {
        const s = new TestSubscriber<number>('unbounded');
        const outer = new TestPublisher<number>();
        const inners = testPublishers<number>(2);
        switchMap((i: number) => inners[i]!)(outer).subscribe(s);
        outer.next(0, 1);
        inners[0]!.error(new Error('late'));
        expect(s.terminated).toBe(false);
        expect(reported.dropped).toEqual([new Error('late')]);
        expect(reported.errors).toEqual([]);
      } finally {
        reported.restore();
      }
    });

    it('validates its arguments at assembly time', () => {
      expect(() => switchMap(42 as never)).toThrow(TypeError);
      expect(() => switchMap(() => range(0, 1), { prefetch: 0 })).toThrow('switchMap: prefetch must be a positive integer, got 0');
      expect(() => switchMap(() => range(0, 1), { prefetch: Infinity })).toThrow(RangeError);
    });
  });

  describe('cancellation', () => {
    it('aborts the signal of the inner it switches away from, and of the running one on cancel', () => {
      const outer = new TestPublisher<number>();
      const inners = testPublishers<string>(3);
      const signals: AbortSignal[] = [];
      const s = new TestSubscriber<string>('unbounded');
      switchMap((i: number, _index: number, signal: AbortSignal) => {
        signals.push(signal);
        return inners[i]!;
      })(outer).subscribe(s);
      outer.next(0);
      inners[0]!.next('a');
      outer.next(1);
      expect(signals.map((signal) => signal.aborted)).toEqual([true, false]);
      inners[1]!.complete();
      outer.next(2);
      expect(signals.map((signal) => signal.aborted)).toEqual([true, false, false]); // job 1 had completed
      s.cancel();
      expect(signals.map((signal) => signal.aborted)).toEqual([true, false, true]);
    });

    it('cancels the outer and the running inner', () => {
      const s = new TestSubscriber<number>(1);
      const outer = new TestPublisher<number>();
      const inner = new TestPublisher<number>();
      switchMap(() => inner)(outer).subscribe(s);
      outer.next(0);
      s.cancel();
      expect([outer.cancelled, inner.cancelled]).toEqual([true, true]);
    });

    it('lets a switched-away inner and its queue be collected (§3.13)', async () => {
      const outer = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      const ref = (() => {
        const first = new TestPublisher<object>();
        const second = new TestPublisher<object>();
        const inners = [first, second];
        switchMap((i: number) => inners[i]!)(outer).subscribe(s as unknown as TestSubscriber<object>);
        outer.next(0);
        const item = { payload: 'queued' };
        first.next(item);
        outer.next(1);
        first.subscriber = null; // a real publisher drops its subscriber on cancel
        return new WeakRef(item);
      })();
      expect(await isReleased(ref)).toBe(true);
      expect(s.violations).toEqual([]);
    });

    for (const ending of ['cancel', 'inner error', 'outer error'] as const) {
      it(`releases the subscriber after ${ending} (§3.13)`, async () => {
        const outer = new TestPublisher<number>();
        const inner = new TestPublisher<number>();
        const ref = (() => {
          const s = new TestSubscriber<number>(1);
          switchMap(() => inner)(outer).subscribe(s);
          outer.next(0);
          inner.next(1, 2);
          if (ending === 'cancel') s.cancel();
          else if (ending === 'inner error') inner.error(new Error('inner'));
          else outer.error(new Error('outer'));
          return new WeakRef(s);
        })();
        expect(await isReleased(ref)).toBe(true);
      });
    }
  });

  describe('empty and edge cases', () => {
    it('completes at once for an empty outer and skips empty inners', () => {
      const s = new TestSubscriber<number>();
      range(0, 0).pipe(switchMap(() => range(0, 3))).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
      const t = new TestSubscriber<number>();
      range(0, 5).pipe(switchMap(() => range(0, 0))).subscribe(t);
      expect(t.log).toEqual(['subscribe', 'complete']);
    });

    it('runs 1,000,000 synchronous outer items without stack growth', () => {
      const s = new TestSubscriber<number>('unbounded');
      s.recordLog = false;
      s.keepValues = false;
      range(0, 1_000_000).pipe(switchMap((x) => range(x, 1))).subscribe(s);
      expect(s.count).toBe(1_000_000);
      expect(s.completed).toBe(true);
    });

    it('runs 1,000,000 items of one inner requested one by one', () => {
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      s.recordLog = false;
      s.keepValues = false;
      range(0, 1).pipe(switchMap(() => range(0, 1_000_000))).subscribe(s);
      expect(s.count).toBe(1_000_000);
      expect(s.maxOnNextDepth).toBe(1);
      expect(s.completed).toBe(true);
    });
  });
});
