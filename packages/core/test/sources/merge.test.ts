import { describe, expect, it } from 'vitest';
import { isInspectable } from '../../src/internal/inspect';
import { merge } from '../../src/sources/merge';
import { range } from '../../src/sources/range';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { asyncPublisher, isReleased, recorded, testPublishers } from '../operators/_helpers/flatten';

describe('merge', () => {
  operatorContract('merge', {
    apply: (source) => merge(source, range(0, 0)),
    upstreamBound: () => 32,
  });

  describe('behaviour', () => {
    it('emits the items of every source as they arrive', () => {
      const [a, b] = testPublishers<string>(2);
      const s = new TestSubscriber<string>('unbounded');
      merge(a!, b!).subscribe(s);
      a!.next('a1');
      b!.next('b1', 'b2');
      a!.next('a2');
      a!.complete();
      b!.complete();
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(a1)', 'next(b1)', 'next(b2)', 'next(a2)', 'complete']);
    });

    it('merges asynchronous sources', async () => {
      const s = new TestSubscriber<number>('unbounded');
      merge(asyncPublisher([1, 2]), asyncPublisher([10, 20]), range(100, 1)).subscribe(s);
      while (!s.terminated) await new Promise((resolve) => setTimeout(resolve, 1));
      expect([...s.values].sort((x, y) => x - y)).toEqual([1, 2, 10, 20, 100]);
      expect(s.violations).toEqual([]);
    });
  });

  describe('demand', () => {
    it('subscribes every source at once with a bounded prefetch and replenishes at 75%', () => {
      const s = new TestSubscriber<number>();
      const [a, b] = testPublishers<number>(2);
      merge(recorded('a', a!, s.log), recorded('b', b!, s.log)).subscribe(s);
      a!.next(...Array.from({ length: 32 }, (_, i) => i));
      s.request(24);
      expect(s.log).toEqual(['subscribe', 'a.request(32)', 'b.request(32)', 'request(24)', ...Array.from({ length: 24 }, (_, i) => `next(${i})`), 'a.request(24)']);
      expect(s.violations).toEqual([]);
    });

    it('reports its queues through inspect()', () => {
      const [a, b] = testPublishers<number>(2);
      const s = new TestSubscriber<number>(1);
      merge(a!, b!).subscribe(s);
      a!.next(1, 2);
      b!.next(3);
      const snapshot = isInspectable(s.subscription) ? s.subscription.inspect() : null;
      expect(snapshot).toMatchObject({ stage: 'merge', capacity: 64, buffered: 2, requested: 0, received: 3, emitted: 1 });
    });
  });

  describe('errors', () => {
    it('cancels the other sources and fails at once on a source error', () => {
      const [a, b] = testPublishers<number>(2);
      const s = new TestSubscriber<number>();
      merge(a!, b!).subscribe(s);
      a!.next(1);
      b!.error(new Error('b failed'));
      expect(s.log).toEqual(['subscribe', 'error(Error: b failed)']);
      expect(a!.cancelled).toBe(true);
    });

    it('rejects a non-Publisher argument at assembly time', () => {
      expect(() => merge(range(0, 1), 42 as never)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels every source', () => {
      const sources = testPublishers<number>(3);
      const s = new TestSubscriber<number>(1);
      merge(...sources).subscribe(s);
      s.cancel();
      expect(sources.map((p) => p.cancelled)).toEqual([true, true, true]);
    });

    it('releases the subscriber after cancel (§3.13)', async () => {
      const sources = testPublishers<number>(2);
      const ref = (() => {
        const s = new TestSubscriber<number>(1);
        merge(...sources).subscribe(s);
        sources[0]!.next(1, 2);
        s.cancel();
        return new WeakRef(s);
      })();
      expect(await isReleased(ref)).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('completes at once with no sources', () => {
      const s = new TestSubscriber<number>();
      merge<number>().subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('completes only after every source completed', () => {
      const [a, b] = testPublishers<number>(2);
      const s = new TestSubscriber<number>(1);
      merge(a!, b!).subscribe(s);
      a!.complete();
      expect(s.completed).toBe(false);
      b!.complete();
      expect(s.completed).toBe(true);
    });

    it('merges a thousand synchronous sources', () => {
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      s.recordLog = false;
      merge(...Array.from({ length: 1000 }, (_, i) => range(i * 10, 10))).subscribe(s);
      expect(s.count).toBe(10_000);
      expect(s.maxOnNextDepth).toBe(1);
      expect(s.completed).toBe(true);
    });
  });
});
