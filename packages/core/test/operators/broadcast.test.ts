import { describe, expect, it } from 'vitest';
import { broadcast } from '../../src/operators/broadcast';
import { range } from '../../src/sources/range';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
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

  describe('joining, leaving and pacing', () => {
    it('starts a late joiner with the next item, never replaying what the others got', () => {
      const source = new TestPublisher<number>();
      const hub = broadcast(source, { overflow: 'drop-oldest', capacity: 4 });
      const early = new TestSubscriber<number>('unbounded');
      hub.subscribe(early);
      source.next(1, 2);
      const late = new TestSubscriber<number>('unbounded');
      hub.subscribe(late);
      source.next(3);
      late.cancel();
      source.next(4);
      expect(early.values).toEqual([1, 2, 3, 4]);
      expect(late.values).toEqual([3]);
      expect(source.cancelled).toBe(false); // one subscriber is still there
    });

    it('asks upstream for what the fastest non-dropping subscriber can take, not the slowest', () => {
      const source = new TestPublisher<number>();
      const hub = broadcast(source, { overflow: 'drop-newest', capacity: 2, prefetch: 100 });
      hub.subscribe(new TestSubscriber<number>(0)); // room for 2
      expect(source.totalRequested).toBe(2);
      hub.subscribe(new TestSubscriber<number>(10)); // room for 10 + 2
      expect(source.totalRequested).toBe(12);
    });

    it("caps upstream demand by the slowest 'block' subscriber, whatever the others ask", () => {
      const source = new TestPublisher<number>();
      const hub = broadcast(source, { overflow: 'drop-oldest', capacity: 2, prefetch: 100 });
      const fast = new TestSubscriber<number>('unbounded');
      const audit = new TestSubscriber<number>(1);
      hub.with({ overflow: 'block', capacity: 1 }).subscribe(audit); // first: nothing is in flight when it joins
      hub.subscribe(fast);
      source.next(1);
      source.next(2); // audit: 1 delivered, 2 buffered (capacity 1): full
      expect(source.totalRequested).toBe(2);
      expect(fast.values).toEqual([1, 2]);
      audit.request(2);
      expect(audit.values).toEqual([1, 2]);
      expect(source.totalRequested).toBe(4); // demand 1 + capacity 1 again
      expect(hub.inspect().dropped).toBe(0);
    });

    it('gives each subscriber its own settings through with(), inheriting the rest', () => {
      const scheduler = new VirtualTimeScheduler();
      const source = new TestPublisher<number>();
      const lost: string[] = [];
      const hub = broadcast(source, { overflow: 'drop-oldest', capacity: 3, scheduler, onDrop: (x, why) => lost.push(`default ${x}:${why}`) });
      const plain = new TestSubscriber<number>(0);
      const aging = new TestSubscriber<number>(0);
      hub.subscribe(plain);
      hub.with({ maxAge: 10, onDrop: (x, why) => lost.push(`aging ${x}:${why}`) }).subscribe(aging);
      source.next(1, 2);
      scheduler.advanceBy(10);
      expect(lost).toEqual(['aging 1:expired', 'aging 2:expired']);
      plain.request(5);
      aging.request(5);
      expect(plain.values).toEqual([1, 2]);
      expect(aging.values).toEqual([]);
      const snapshot = hub.inspect();
      expect(snapshot.subscribers.map((x) => [x.capacity, x.overflow, x.expired])).toEqual([[3, 'drop-oldest', 0], [3, 'drop-oldest', 2]]);
      expect(snapshot.expired).toBe(2);
    });

    it('keeps counting drops across reconnections', () => {
      const source = new TestPublisher<number>();
      const hub = broadcast(source, { overflow: 'drop-newest', capacity: 1 });
      const connect = (): TestSubscriber<number>[] => {
        const pair = [new TestSubscriber<number>(0), new TestSubscriber<number>('unbounded')];
        for (const s of pair) hub.subscribe(s);
        return pair;
      };
      const first = connect();
      source.next(1, 2); // the slow one keeps 1, drops 2
      for (const s of first) s.cancel();
      expect(source.cancelled).toBe(true);
      connect();
      source.next(3, 4, 5); // the new slow one keeps 3, drops 4 and 5
      expect(hub.inspect().dropped).toBe(1 + 2);
    });
  });

  describe('gaps', () => {
    it("tells a 'drop-newest' subscriber the gap before the terminal signal", () => {
      const source = new TestPublisher<number>();
      const s = new TestSubscriber<number>(0);
      const hub = broadcast(source, { overflow: 'drop-newest', capacity: 1, onGap: (n) => s.log.push(`gap(${n})`) });
      hub.subscribe(s);
      hub.subscribe(new TestSubscriber<number>('unbounded')); // pulls the source ahead of s
      source.next(1, 2, 3);
      source.complete();
      s.request(5);
      expect(s.log).toEqual(['subscribe', 'request(5)', 'next(1)', 'gap(2)', 'complete']);
    });

    it("keeps only the newest waiting item under 'latest' and passes the whole gap on to it", () => {
      const source = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      const hub = broadcast(source, { overflow: 'latest', onGap: (n) => s.log.push(`gap(${n})`) });
      hub.subscribe(s);
      hub.subscribe(new TestSubscriber<number>('unbounded')); // pulls the source ahead of s
      source.next(1, 2, 3, 4);
      s.request(1);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(1)', 'request(1)', 'gap(2)', 'next(4)']);
    });

    it('fails only the subscriber whose onGap throws', () => {
      const source = new TestPublisher<number>();
      const hub = broadcast(source, { overflow: 'drop-oldest', capacity: 1 });
      const thrower = new TestSubscriber<number>(0);
      const other = new TestSubscriber<number>('unbounded');
      hub.with({ onGap: () => { throw new Error('resync failed'); } }).subscribe(thrower);
      hub.subscribe(other);
      source.next(1, 2);
      thrower.request(1);
      expect(thrower.error?.message).toBe('resync failed');
      source.next(3);
      expect(other.values).toEqual([1, 2, 3]);
    });
  });

  describe('errors', () => {
    it("signals an upstream error to every subscriber at once, dropping their buffered items with reason 'error'", () => {
      const source = new TestPublisher<number>();
      const lost: string[] = [];
      const hub = broadcast(source, { overflow: 'drop-oldest', capacity: 4, onDrop: (x, why) => lost.push(`${x}:${why}`) });
      const waiting = new TestSubscriber<number>(0);
      const fast = new TestSubscriber<number>('unbounded');
      hub.subscribe(waiting);
      hub.subscribe(fast);
      source.next(1, 2);
      source.error(new Error('upstream down'));
      expect(waiting.log).toEqual(['subscribe', 'error(Error: upstream down)']);
      expect(fast.error?.message).toBe('upstream down');
      expect(lost).toEqual(['1:error', '2:error']);
    });

    it('cancels a subscriber whose onNext throws (§2.13) and reports it, while the others go on', () => {
      const reported = captureReportedErrors();
      try {
        const source = new TestPublisher<number>();
        const hub = broadcast(source, { overflow: 'drop-oldest' });
        const thrower = new TestSubscriber<number>({ initialRequest: 'unbounded', onNext: () => { throw new Error('handler bug'); } });
        const other = new TestSubscriber<number>('unbounded');
        hub.subscribe(thrower);
        hub.subscribe(other);
        source.next(1, 2);
        expect(other.values).toEqual([1, 2]);
        expect(thrower.values).toEqual([1]);
        expect(hub.inspect().subscribers).toHaveLength(1);
        expect(reported.errors.map((e) => (e as Error).message)).toEqual(['handler bug']);
      } finally {
        reported.restore();
      }
    });

    it('fails only the subscriber that made an invalid request (§3.9)', () => {
      const source = new TestPublisher<number>();
      const hub = broadcast(source, { overflow: 'drop-oldest' });
      const bad = new TestSubscriber<number>(0);
      const good = new TestSubscriber<number>('unbounded');
      hub.subscribe(bad);
      hub.subscribe(good);
      bad.request(-1);
      expect(bad.error?.message).toMatch(/^§3\.9/);
      source.next(1);
      expect(good.values).toEqual([1]);
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
