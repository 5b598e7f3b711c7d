import { describe, expect, it } from 'vitest';
import { broadcast } from '../../src/operators/broadcast';
import { range } from '../../src/sources/range';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';

describe('broadcast', () => {
  describe('behaviour', () => {
    it('gives a fast subscriber every item while a slow one drops only its own, and tells the gap', () => {
      const source = new TestPublisher<number>();
      const drops: string[] = [];
      const gaps: number[] = [];
      const hub = broadcast(source, { overflow: 'drop-oldest', capacity: 2, prefetch: 8 });
      const slow = new TestSubscriber<number>(0);
      const fast = new TestSubscriber<number>('unbounded');
      hub.with({ onDrop: (item, reason) => drops.push(`${item}:${reason}`), onGap: (n) => gaps.push(n) }).subscribe(slow);
      hub.subscribe(fast);
      source.next(1, 2, 3, 4, 5, 6);
      expect(fast.values).toEqual([1, 2, 3, 4, 5, 6]);
      expect(drops).toEqual(['1:overflow', '2:overflow', '3:overflow', '4:overflow']);
      slow.request(3);
      expect(slow.log).toEqual(['subscribe', 'request(3)', 'next(5)', 'next(6)']);
      expect(gaps).toEqual([4]);
      source.complete();
      expect(fast.completed).toBe(true);
      expect(slow.completed).toBe(true);
      const snapshot = hub.inspect();
      expect(snapshot.dropped).toBe(4);
      expect(snapshot.received).toBe(6);
    });

    it("paces the source by a 'block' subscriber and never drops for it", () => {
      const source = new TestPublisher<number>();
      const hub = broadcast(source, { overflow: 'block', capacity: 2, prefetch: 16 });
      const blocking = new TestSubscriber<number>(1);
      hub.subscribe(blocking);
      expect(source.totalRequested).toBe(3); // demand 1 + capacity 2
      source.next(1, 2, 3);
      expect(blocking.values).toEqual([1]);
      blocking.request(4);
      expect(blocking.values).toEqual([1, 2, 3]);
      expect(source.totalRequested).toBe(3 + 4);
      expect(hub.inspect().dropped).toBe(0);
    });

    it('reports the deepest subscriber in inspect()', () => {
      const source = new TestPublisher<number>();
      const hub = broadcast(source, { overflow: 'drop-newest', capacity: 4 });
      const a = new TestSubscriber<number>('unbounded');
      const b = new TestSubscriber<number>(0);
      hub.subscribe(a);
      hub.subscribe(b);
      source.next(1, 2, 3);
      const snapshot = hub.inspect();
      expect(snapshot.deepest).toEqual({ index: 1, pending: 3, capacity: 4 });
      expect(snapshot.subscribers.map((s) => s.pending)).toEqual([0, 3]);
    });

    it("fails only the subscriber whose 'error' buffer overflowed", () => {
      const source = new TestPublisher<number>();
      const hub = broadcast(source, { overflow: 'error', capacity: 1 });
      const stuck = new TestSubscriber<number>(0);
      const fast = new TestSubscriber<number>('unbounded');
      hub.subscribe(stuck);
      hub.subscribe(fast);
      source.next(1, 2);
      expect(stuck.error?.name).toBe('OverflowError');
      expect(fast.values).toEqual([1, 2]);
      expect(fast.terminated).toBe(false);
    });
  });

  describe('age budgets', () => {
    it('drops items that waited maxAge in a buffer as expired, never delivering them late', () => {
      const scheduler = new VirtualTimeScheduler();
      const source = new TestPublisher<number>();
      const drops: string[] = [];
      const hub = broadcast(source, { overflow: 'drop-oldest', capacity: 4, maxAge: 100, scheduler, onDrop: (i, r) => drops.push(`${i}:${r}`) });
      const s = new TestSubscriber<number>(0);
      hub.subscribe(s);
      source.next(1);
      scheduler.advanceBy(60);
      source.next(2);
      scheduler.advanceBy(40); // item 1 is 100 ms old
      expect(drops).toEqual(['1:expired']);
      s.request(5);
      expect(s.values).toEqual([2]);
      expect(hub.inspect().expired).toBe(1);
    });
  });

  describe('cancellation', () => {
    it('cancels the source when the last subscriber leaves and subscribes it again for the next one', () => {
      const source = new TestPublisher<number>();
      const hub = broadcast(source, { overflow: 'drop-oldest' });
      const a = new TestSubscriber<number>(1);
      hub.subscribe(a);
      a.cancel();
      expect(source.cancelled).toBe(true);
      const b = new TestSubscriber<number>(1);
      hub.subscribe(b);
      expect(source.cancelled).toBe(false);
      source.next(7);
      expect(b.values).toEqual([7]);
    });
  });

  describe('empty and edge cases', () => {
    it('requires an overflow choice and refuses latest with a capacity above 1', () => {
      expect(() => broadcast(range(0, 1), {} as never)).toThrow(/overflow is required/);
      expect(() => broadcast(range(0, 1), { overflow: 'latest', capacity: 3 })).toThrow(/capacity must be 1/);
    });

    it('completes a subscriber of an empty source', () => {
      const s = new TestSubscriber<number>(0);
      broadcast(range(0, 0), { overflow: 'block' }).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
    });
  });
});
