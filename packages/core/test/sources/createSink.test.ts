import { describe, expect, it } from 'vitest';
import { CancellationError, OverflowError } from '../../src/internal/errors';
import type { OverflowStrategy } from '../../src/internal/overflow';
import { createSink } from '../../src/sources/createSink';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { sourceContract } from '../contract/sourceContract';
import { isCollected } from '../support/collectGarbage';

describe('createSink', () => {
  sourceContract('createSink', (n) => {
    const sink = createSink<number>();
    for (let i = 0; i < n; i++) sink.next(i);
    sink.complete();
    return sink.flow;
  });

  describe('behaviour', () => {
    it('multicasts what the application pushes to every subscriber, paced by the slowest demand', () => {
      const sink = createSink<string>();
      const a = new TestSubscriber<string>(3);
      const b = new TestSubscriber<string>(1);
      sink.flow.subscribe(a);
      sink.flow.subscribe(b);
      expect([sink.next('x'), sink.next('y'), sink.next('z')]).toEqual([true, true, true]);
      expect(a.values).toEqual(['x']); // an item goes out once every subscriber asked for it
      expect(b.values).toEqual(['x']);
      b.request(2);
      sink.complete();
      expect(a.log).toEqual(['subscribe', 'request(3)', 'next(x)', 'next(y)', 'next(z)', 'complete']);
      expect(b.log).toEqual(['subscribe', 'request(1)', 'next(x)', 'request(2)', 'next(y)', 'next(z)', 'complete']);
      expect([a.violations, b.violations]).toEqual([[], []]);
    });

    it('keeps items pushed before anyone subscribed for the first subscriber', () => {
      const sink = createSink<number>({ capacity: 4 });
      sink.next(1);
      sink.next(2);
      const s = new TestSubscriber<number>('unbounded');
      sink.flow.subscribe(s);
      expect(s.values).toEqual([1, 2]);
    });

    it('gives a late subscriber the items pushed after it subscribed', () => {
      const sink = createSink<number>();
      const early = new TestSubscriber<number>('unbounded');
      sink.flow.subscribe(early);
      sink.next(1);
      const late = new TestSubscriber<number>('unbounded');
      sink.flow.subscribe(late);
      sink.next(2);
      expect([early.values, late.values]).toEqual([[1, 2], [2]]);
    });

    it('resolves offer once the slowest subscriber made room', async () => {
      const sink = createSink<number>({ capacity: 1 });
      const s = new TestSubscriber<number>(0);
      sink.flow.subscribe(s);
      await sink.offer(1); // buffered: the one place an item waits
      let settled = false;
      const second = sink.offer(2).then(() => (settled = true));
      await Promise.resolve();
      expect(settled).toBe(false);
      s.request(1);
      await second;
      expect(s.values).toEqual([1]);
      expect(sink.inspect()).toMatchObject({ capacity: 1, buffered: 1 });
    });
  });

  describe('demand', () => {
    it('hands a waiting offer to a subscriber that still has demand once room is made', async () => {
      const sink = createSink<number>({ capacity: 1 });
      const s = new TestSubscriber<number>(0);
      sink.flow.subscribe(s);
      await sink.offer(1);
      const second = sink.offer(2);
      s.request(2);
      await second;
      expect(s.values).toEqual([1, 2]);
      expect(sink.inspect()).toMatchObject({ buffered: 0, upstreamRequested: 0 });
    });

    it('holds at most capacity items, then applies the overflow', () => {
      const sink = createSink<number>({ capacity: 2, overflow: 'block' });
      sink.flow.subscribe(new TestSubscriber<number>(0));
      expect([1, 2, 3, 4].map((x) => sink.next(x))).toEqual([true, true, false, false]);
      expect(sink.desiredSize).toBe(0);
      expect(sink.inspect()).toMatchObject({
        stage: 'createSink', capacity: 2, buffered: 2, dropped: 0, received: 2, upstreamRequested: 0,
        subscribers: [{ requested: 0, pending: 2 }],
      });
    });

    it('reports the configured capacity exactly, and upstreamRequested 0 (a sink is a source), in every state', () => {
      const sink = createSink<number>({ capacity: 1024 });
      expect(sink.inspect()).toMatchObject({ capacity: 1024, buffered: 0, upstreamRequested: 0 });
      const s = new TestSubscriber<number>(5);
      sink.flow.subscribe(s); // the multicast now waits for an item on the subscriber's behalf
      expect(sink.inspect()).toMatchObject({ capacity: 1024, buffered: 0, upstreamRequested: 0, requested: 5 });
      s.request(0); // §3.9 ends the subscriber
      for (let i = 0; i < 1024; i++) expect(sink.next(i)).toBe(true);
      expect(sink.inspect()).toMatchObject({ capacity: 1024, buffered: 1024, upstreamRequested: 0 });
      expect(sink.next(1024)).toBe(false); // the bound is the capacity, not capacity + 1
    });

    // 'latest' keeps only the newest waiting item, so it takes capacity 1 (create refuses a larger one)
    const strategies: { overflow: OverflowStrategy; capacity: number; values: number[]; dropped: number }[] = [
      { overflow: 'drop-newest', capacity: 2, values: [1, 2], dropped: 3 },
      { overflow: 'drop-oldest', capacity: 2, values: [4, 5], dropped: 3 },
      { overflow: 'latest', capacity: 1, values: [5], dropped: 4 },
    ];
    for (const { overflow, capacity, values, dropped } of strategies) {
      it(`applies '${overflow}' to the shared buffer and counts the drops`, () => {
        const sink = createSink<number>({ capacity, overflow });
        const s = new TestSubscriber<number>(0);
        sink.flow.subscribe(s);
        for (const x of [1, 2, 3, 4, 5]) sink.next(x);
        expect(sink.inspect().dropped).toBe(dropped);
        s.request(10);
        expect(s.values).toEqual(values);
      });
    }
  });

  describe('errors', () => {
    it('fails every subscriber with OverflowError under the default strategy, after their buffered items', () => {
      const sink = createSink<number>({ capacity: 1 });
      const a = new TestSubscriber<number>(0);
      const b = new TestSubscriber<number>(5);
      sink.flow.subscribe(a);
      sink.flow.subscribe(b);
      expect(sink.next(1)).toBe(true);
      expect(sink.next(2)).toBe(false); // a is too slow: the overflow applies
      expect(b.values).toEqual([]); // nothing goes out before every subscriber asked for it
      a.request(5);
      for (const s of [a, b]) {
        expect(s.values).toEqual([1]);
        expect(s.error).toBeInstanceOf(OverflowError);
      }
    });

    it('delivers error(e) to each subscriber after the items buffered for it', () => {
      const sink = createSink<number>();
      const s = new TestSubscriber<number>(0);
      sink.flow.subscribe(s);
      sink.next(1);
      sink.error(new Error('boom'));
      expect(s.log).toEqual(['subscribe']);
      s.request(1);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(1)', 'error(Error: boom)']);
    });

    it('fails the stream on a null item (§2.13)', () => {
      const sink = createSink<number>();
      const s = new TestSubscriber<number>(1);
      sink.flow.subscribe(s);
      expect(sink.next(null as never)).toBe(false);
      expect(s.error?.message).toMatch(/^§2\.13:/);
    });

    it('rejects invalid options at creation', () => {
      expect(() => createSink({ capacity: 0 })).toThrow(RangeError);
      expect(() => createSink({ overflow: 'spill' as never })).toThrow(TypeError);
      expect(() => createSink(null as never)).toThrow(TypeError);
    });
  });

  describe('before the first subscriber and after the last (never poisoned)', () => {
    it("refuses items beyond capacity under 'error' while nobody listens, and the first subscriber gets them, then the rest", () => {
      const sink = createSink<number>({ capacity: 3 });
      expect([1, 2, 3, 4, 5].map((x) => sink.next(x))).toEqual([true, true, true, false, false]);
      expect(sink.desiredSize).toBe(0);
      expect(sink.inspect()).toMatchObject({ buffered: 3, dropped: 0, terminated: false });
      const s = new TestSubscriber<number>('unbounded');
      sink.flow.subscribe(s);
      expect(s.values).toEqual([1, 2, 3]);
      expect(s.error).toBeNull();
      expect(sink.next(6)).toBe(true);
      expect(s.values).toEqual([1, 2, 3, 6]);
    });

    it('recovers after the last subscriber left: a full buffer refuses, the next subscriber drains it', () => {
      const sink = createSink<number>({ capacity: 2 });
      const first = new TestSubscriber<number>(1);
      sink.flow.subscribe(first);
      sink.next(0);
      first.cancel();
      expect([1, 2, 3].map((x) => sink.next(x))).toEqual([true, true, false]);
      const second = new TestSubscriber<number>('unbounded');
      sink.flow.subscribe(second);
      expect(second.values).toEqual([1, 2]);
      expect(second.error).toBeNull();
      expect(sink.next(4)).toBe(true);
      expect(second.values).toEqual([1, 2, 4]);
    });

    it("still fails a subscriber that is too slow under 'error' (someone listens)", () => {
      const sink = createSink<number>({ capacity: 1 });
      const s = new TestSubscriber<number>(0);
      sink.flow.subscribe(s);
      sink.next(1);
      expect(sink.next(2)).toBe(false);
      s.request(5);
      expect(s.values).toEqual([1]);
      expect(s.error).toBeInstanceOf(OverflowError);
    });
  });

  describe('cancellation', () => {
    it('stays open for other and later subscribers when one cancels', () => {
      const sink = createSink<number>();
      const a = new TestSubscriber<number>(5);
      sink.flow.subscribe(a);
      a.cancel();
      sink.next(1);
      const b = new TestSubscriber<number>(5);
      sink.flow.subscribe(b);
      expect(b.values).toEqual([1]);
      expect(sink.offer(2)).toBeInstanceOf(Promise);
    });

    it('releases a cancelled subscriber and its hold on the buffer (§3.13)', async () => {
      const sink = createSink<number>();
      const ref = (() => {
        const s = new TestSubscriber<number>(0);
        sink.flow.subscribe(s);
        sink.next(1);
        s.cancel();
        return new WeakRef(s);
      })();
      expect(await isCollected(ref)).toBe(true);
      expect(sink.inspect().subscribers).toEqual([]);
    });
  });

  describe('empty and edge cases', () => {
    it('completes a subscriber arriving after the end, after what is still buffered for it', () => {
      const sink = createSink<number>();
      sink.next(1);
      sink.complete();
      const s = new TestSubscriber<number>('unbounded');
      sink.flow.subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(1)', 'complete']);
      const after = new TestSubscriber<number>('unbounded');
      sink.flow.subscribe(after);
      expect(after.log).toEqual(['subscribe', 'request(Infinity)', 'complete']);
    });

    it('rejects offer after complete with CancellationError and refuses next', async () => {
      const sink = createSink<number>();
      sink.complete();
      expect(sink.next(1)).toBe(false);
      await expect(sink.offer(1)).rejects.toBeInstanceOf(CancellationError);
    });
  });
});
