import { describe, expect, it } from 'vitest';
import { isInspectable } from '../../src/internal/inspect';
import { zip } from '../../src/sources/zip';
import { range } from '../../src/sources/range';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { asyncPublisher, isReleased, recorded, testPublishers } from '../operators/_helpers/flatten';

describe('zip', () => {
  operatorContract('zip', {
    apply: (source) => zip(source, range(0, Infinity)),
    upstreamBound: () => 32,
  });

  describe('behaviour', () => {
    it('pairs items by position', () => {
      const s = new TestSubscriber<[number, number]>('unbounded');
      zip(range(1, 3), range(10, 3)).subscribe(s);
      expect(s.values).toEqual([
        [1, 10],
        [2, 11],
        [3, 12],
      ]);
      expect(s.completed).toBe(true);
    });

    it('waits for every source to have an item', () => {
      const [a, b] = testPublishers<string>(2);
      const s = new TestSubscriber<string[]>('unbounded');
      zip(a!, b!).subscribe(s);
      a!.next('a1', 'a2');
      expect(s.count).toBe(0);
      b!.next('b1');
      expect(s.values).toEqual([['a1', 'b1']]);
    });

    it('zips asynchronous sources', async () => {
      const s = new TestSubscriber<[number, string]>('unbounded');
      zip(asyncPublisher([1, 2, 3]), asyncPublisher(['x', 'y'])).subscribe(s);
      while (!s.terminated) await new Promise((resolve) => setTimeout(resolve, 1));
      expect(s.values).toEqual([
        [1, 'x'],
        [2, 'y'],
      ]);
      expect(s.completed).toBe(true);
    });
  });

  describe('demand', () => {
    it('prefetches 32 per source, emits one array per request and replenishes at 75%', () => {
      const s = new TestSubscriber<number[]>();
      const [a, b] = testPublishers<number>(2);
      zip(recorded('a', a!, s.log), recorded('b', b!, s.log)).subscribe(s);
      const items = Array.from({ length: 32 }, (_, i) => i);
      a!.next(...items);
      b!.next(...items);
      s.request(24);
      expect(s.log.filter((entry) => !entry.startsWith('next('))).toEqual([
        'subscribe',
        'a.request(32)',
        'b.request(32)',
        'request(24)',
        'a.request(24)',
        'b.request(24)',
      ]);
      expect(s.count).toBe(24);
      expect(s.violations).toEqual([]);
    });

    it('reports queue depths through inspect()', () => {
      const [a, b] = testPublishers<number>(2);
      const s = new TestSubscriber<number[]>(1);
      zip(a!, b!).subscribe(s);
      a!.next(1, 2, 3);
      b!.next(4);
      const snapshot = isInspectable(s.subscription) ? s.subscription.inspect() : null;
      expect(snapshot).toEqual({
        stage: 'zip',
        capacity: 64,
        buffered: 2,
        requested: 0,
        upstreamRequested: 29 + 31,
        received: 4,
        emitted: 1,
        dropped: 0,
        terminated: false,
        cancelled: false,
      });
    });
  });

  describe('errors', () => {
    it('cancels the other sources and fails at once', () => {
      const [a, b, c] = testPublishers<number>(3);
      const s = new TestSubscriber<number[]>(1);
      zip(a!, b!, c!).subscribe(s);
      a!.next(1);
      b!.error(new Error('b failed'));
      expect(s.log).toEqual(['subscribe', 'request(1)', 'error(Error: b failed)']);
      expect([a!.cancelled, c!.cancelled]).toEqual([true, true]);
    });

    it('rejects a non-Publisher argument at assembly time', () => {
      expect(() => zip(range(0, 1), {} as never)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels every source', () => {
      const sources = testPublishers<number>(3);
      const s = new TestSubscriber<number[]>(1);
      zip(...sources).subscribe(s);
      s.cancel();
      expect(sources.map((p) => p.cancelled)).toEqual([true, true, true]);
    });

    it('releases the subscriber after cancel (§3.13)', async () => {
      const sources = testPublishers<number>(2);
      const ref = (() => {
        const s = new TestSubscriber<number[]>(1);
        zip(...sources).subscribe(s);
        sources[0]!.next(1, 2);
        s.cancel();
        return new WeakRef(s);
      })();
      expect(await isReleased(ref)).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('completes when a completed source has no queued item left, cancelling the others', () => {
      const [a, b] = testPublishers<number>(2);
      const s = new TestSubscriber<number[]>(5);
      zip(a!, b!).subscribe(s);
      a!.next(1, 2);
      a!.complete();
      b!.next(10);
      expect(s.completed).toBe(false);
      b!.next(20);
      expect(s.log).toEqual(['subscribe', 'request(5)', 'next(1,10)', 'next(2,20)', 'complete']);
      expect(b!.cancelled).toBe(true);
    });

    it('completes at once for an empty source or no sources', () => {
      const none = new TestSubscriber<number[]>();
      zip().subscribe(none);
      const empty = new TestSubscriber<number[]>();
      zip(range(0, 0), range(0, Infinity)).subscribe(empty);
      expect(none.log).toEqual(['subscribe', 'complete']);
      expect(empty.log).toEqual(['subscribe', 'complete']);
    });

    it('zips 1,000,000 synchronous pairs requested one by one', () => {
      const s = new TestSubscriber<number[]>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      s.recordLog = false;
      s.keepValues = false;
      zip(range(0, 1_000_000), range(0, Infinity)).subscribe(s);
      expect(s.count).toBe(1_000_000);
      expect(s.maxOnNextDepth).toBe(1);
      expect(s.completed).toBe(true);
    });
  });
});
