import { describe, expect, it } from 'vitest';
import { createQueue } from '../../src/sources/createQueue';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { sourceContract } from '../contract/sourceContract';

describe('createQueue', () => {
  sourceContract('createQueue (offered up front)', (n) => {
    const queue = createQueue<number>({ capacity: Math.max(n, 1) });
    for (let i = 0; i < n; i++) queue.offer(i);
    queue.complete();
    return queue.flow;
  });

  describe('behaviour', () => {
    it('accepts up to capacity, sheds the rest at once, and delivers per demand', () => {
      const queue = createQueue<string>({ capacity: 2 });
      expect(['a', 'b', 'c'].map((x) => queue.offer(x))).toEqual(['accepted', 'accepted', 'shed']);
      expect(queue.desiredSize).toBe(0);
      const s = new TestSubscriber<string>(0);
      queue.flow.subscribe(s);
      s.request(1);
      expect(s.values).toEqual(['a']);
      expect(queue.desiredSize).toBe(1);
      expect(queue.next('d')).toBe(true);
      s.request(5);
      expect(s.values).toEqual(['a', 'b', 'd']);
      expect(queue.inspect()).toMatchObject({ received: 3, emitted: 3, shed: 1, buffered: 0 });
    });

    it("counts the subscriber's demand in desiredSize (up to capacity more) and delivers such items at once", () => {
      const queue = createQueue<number>({ capacity: 2 });
      const s = new TestSubscriber<number>(3);
      queue.flow.subscribe(s);
      expect(queue.desiredSize).toBe(4); // 2 waiting slots + 2 of the 3 demanded (capped at capacity)
      queue.offer(1);
      expect(s.values).toEqual([1]);
      expect(queue.size).toBe(0);
    });

    it('completes after the waiting items, and says closed to later offers', () => {
      const queue = createQueue<number>({ capacity: 4 });
      queue.offer(1);
      queue.complete();
      expect(queue.offer(2)).toBe('closed');
      expect(queue.desiredSize).toBe(0);
      const s = new TestSubscriber<number>(0);
      queue.flow.subscribe(s);
      expect(s.completed).toBe(false);
      s.request(1);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(1)', 'complete']);
    });

    it('fails after the waiting items on error(e)', () => {
      const queue = createQueue<number>();
      queue.offer(1);
      queue.error(new Error('shutdown'));
      const s = new TestSubscriber<number>('unbounded');
      queue.flow.subscribe(s);
      expect(s.values).toEqual([1]);
      expect(s.error?.message).toBe('shutdown');
    });
  });

  describe('abort signals', () => {
    it('withdraws an item whose signal aborts while it waits, and frees its slot', () => {
      const drops: string[] = [];
      const queue = createQueue<string>({ capacity: 2, onDrop: (x, why) => drops.push(`${x}:${why}`) });
      const client = new AbortController();
      queue.offer('a');
      queue.offer('b', { signal: client.signal });
      expect(queue.offer('c')).toBe('shed');
      client.abort();
      expect(drops).toEqual(['b:aborted']);
      expect(queue.offer('c')).toBe('accepted');
      const s = new TestSubscriber<string>('unbounded');
      queue.flow.subscribe(s);
      expect(s.values).toEqual(['a', 'c']);
      expect(queue.inspect()).toMatchObject({ aborted: 1, dropped: 1 });
    });

    it('refuses an item whose signal already aborted, and stops listening once an item is delivered', () => {
      const queue = createQueue<string>();
      expect(queue.offer('x', { signal: AbortSignal.abort() })).toBe('aborted');
      const client = new AbortController();
      const drops: string[] = [];
      const q2 = createQueue<string>({ onDrop: (x) => drops.push(x) });
      q2.offer('y', { signal: client.signal });
      const s = new TestSubscriber<string>(1);
      q2.flow.subscribe(s);
      client.abort(); // after delivery: nothing to withdraw
      expect(s.values).toEqual(['y']);
      expect(drops).toEqual([]);
      expect(q2.inspect().aborted).toBe(0);
    });

    it('keeps the ring bounded while many withdrawn items are compacted away', () => {
      const queue = createQueue<number>({ capacity: 3 });
      for (let i = 0; i < 1_000; i++) {
        const client = new AbortController();
        expect(queue.offer(i, { signal: client.signal })).toBe('accepted');
        client.abort();
      }
      queue.offer(-1);
      expect(queue.size).toBe(1);
      expect(queue.inspect()).toMatchObject({ aborted: 1_000, shed: 0 });
      const s = new TestSubscriber<number>('unbounded');
      queue.flow.subscribe(s);
      expect(s.values).toEqual([-1]);
    });
  });

  describe('age budgets (maxAge)', () => {
    it('drops items that waited maxAge since they were offered, on the timer, never delivering them late', () => {
      const scheduler = new VirtualTimeScheduler();
      const drops: string[] = [];
      const queue = createQueue<string>({ capacity: 4, maxAge: 100, scheduler, onDrop: (x, why) => drops.push(`${x}:${why}`) });
      const s = new TestSubscriber<string>(0);
      queue.flow.subscribe(s);
      scheduler.advanceBy(500); // the age counts from offer, not from subscribe
      queue.offer('a');
      scheduler.advanceBy(50);
      queue.offer('b');
      scheduler.advanceBy(50);
      expect(drops).toEqual(['a:expired']);
      expect(queue.inspect()).toMatchObject({ expired: 1, buffered: 1 });
      s.request(5);
      expect(s.values).toEqual(['b']);
      expect(scheduler.pending).toBe(1); // the timer for b, which was delivered: it finds nothing to expire
      scheduler.advanceBy(100);
      expect(drops).toEqual(['a:expired']);
      expect(scheduler.pending).toBe(0);
    });

    it('completes a subscriber once the last waiting item expired after complete()', () => {
      const scheduler = new VirtualTimeScheduler();
      const queue = createQueue<number>({ maxAge: 10, scheduler });
      const s = new TestSubscriber<number>(0);
      queue.flow.subscribe(s);
      queue.offer(1);
      queue.complete();
      scheduler.advanceBy(10);
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('fails the subscriber with the error of a throwing onDrop, after the waiting items, and closes the queue', () => {
      const scheduler = new VirtualTimeScheduler();
      const queue = createQueue<number>({ maxAge: 10, scheduler, onDrop: () => { throw new Error('boom'); } });
      const s = new TestSubscriber<number>(0);
      queue.flow.subscribe(s);
      queue.offer(1);
      scheduler.advanceBy(5);
      queue.offer(2);
      scheduler.advanceBy(5);
      expect(queue.offer(3)).toBe('closed');
      s.request(5);
      expect(s.values).toEqual([2]);
      expect(s.error?.message).toBe('boom');
    });
  });

  describe('subscribers', () => {
    it('refuses a second subscriber while one is active, and lets a later one continue with what is left', () => {
      const queue = createQueue<number>();
      queue.offer(1);
      queue.offer(2);
      const first = new TestSubscriber<number>(1);
      queue.flow.subscribe(first);
      const second = new TestSubscriber<number>('unbounded');
      queue.flow.subscribe(second);
      expect(second.error?.message).toMatch(/one subscriber at a time/);
      expect(second.values).toEqual([]);
      first.cancel();
      const third = new TestSubscriber<number>('unbounded');
      queue.flow.subscribe(third);
      expect(first.values).toEqual([1]);
      expect(third.values).toEqual([2]);
    });

    it('signals §3.9 for an invalid request', () => {
      const queue = createQueue<number>();
      const s = new TestSubscriber<number>(0);
      queue.flow.subscribe(s);
      s.request(0);
      expect(s.error?.message).toMatch(/^§3\.9/);
      expect(queue.offer(1)).toBe('accepted'); // the queue itself goes on
    });

    it('refuses null items and bad options', () => {
      expect(() => createQueue<number>().offer(null as never)).toThrow(/§2\.13/);
      expect(() => createQueue({ capacity: 0 })).toThrow(RangeError);
      expect(() => createQueue({ maxAge: -1 })).toThrow(RangeError);
      expect(() => createQueue({ onDrop: 1 as never })).toThrow(TypeError);
    });
  });
});
