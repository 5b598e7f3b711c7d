import { describe, expect, it } from 'vitest';
import { CancellationError, OverflowError } from '../../src/internal/errors';
import { isInspectable, type StageSnapshot } from '../../src/internal/inspect';
import type { OverflowStrategy } from '../../src/internal/overflow';
import { create, type CreateEmitter } from '../../src/sources/create';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { sourceContract } from '../contract/sourceContract';

/** The subscription's own snapshot (what a subscriber or a metrics hook reads). */
function snapshot(s: { subscription: unknown }): StageSnapshot {
  const subscription = s.subscription;
  if (!isInspectable(subscription)) throw new Error('the create subscription is not Inspectable');
  return subscription.inspect();
}

/** The real buffer behind the snapshot, read directly so the test compares the snapshot with the truth. */
function realBufferSize(s: { subscription: unknown }): number {
  return (s.subscription as unknown as { buffer: { size: number } }).buffer.size;
}

/** Subscribes and returns the subscriber plus the emitter the producer received. */
function subscribeCapturing<T>(
  options: Parameters<typeof create<T>>[1],
  subscriber: TestSubscriber<T> = new TestSubscriber<T>(),
): { s: TestSubscriber<T>; emitter: CreateEmitter<T> } {
  let emitter: CreateEmitter<T> | null = null;
  create<T>((e) => {
    emitter = e;
  }, options).subscribe(subscriber);
  return { s: subscriber, emitter: emitter! };
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

const gc = (globalThis as { gc?: () => void }).gc;

async function collectGarbage(): Promise<void> {
  if (gc === undefined) throw new Error('reference-release tests need node --expose-gc (set in vitest.config.ts)');
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
}

describe('create', () => {
  sourceContract('create (demand-driven producer)', (n) =>
    create<number>((emitter) => {
      let next = 0;
      if (n === 0) emitter.complete();
      emitter.onRequest((k) => {
        while (k-- > 0 && next < n) emitter.next(next++);
        if (next === n) emitter.complete();
      });
    }),
  );

  sourceContract('create (pushes everything up front)', (n) =>
    create<number>(
      (emitter) => {
        for (let i = 0; i < n; i++) emitter.next(i);
        emitter.complete();
      },
      { capacity: Math.max(n, 1) },
    ),
  );

  describe('behaviour', () => {
    it('buffers items pushed before any request and delivers them as demand arrives, then completes', () => {
      const s = new TestSubscriber<string>();
      create<string>((emitter) => {
        emitter.next('a');
        emitter.next('b');
        emitter.next('c');
        emitter.complete();
      }).subscribe(s);
      expect(s.log).toEqual(['subscribe']);
      s.request(1);
      s.request(2);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(a)', 'request(2)', 'next(b)', 'next(c)', 'complete']);
      expect(s.violations).toEqual([]);
    });

    it('calls the producer once per subscriber', () => {
      let calls = 0;
      const flow = create<number>((emitter) => {
        calls++;
        emitter.next(calls);
        emitter.complete();
      });
      const first = new TestSubscriber<number>('unbounded');
      const second = new TestSubscriber<number>('unbounded');
      flow.subscribe(first);
      flow.subscribe(second);
      expect(calls).toBe(2);
      expect([first.values, second.values]).toEqual([[1], [2]]);
    });

    const strategies: {
      overflow: OverflowStrategy;
      accepted: boolean[];
      values: number[];
      dropped: number[];
    }[] = [
      { overflow: 'block', accepted: [true, true, true, false, false, false], values: [1, 2, 3], dropped: [] },
      { overflow: 'drop-newest', accepted: [true, true, true, false, false, false], values: [1, 2, 3], dropped: [4, 5, 6] },
      { overflow: 'drop-oldest', accepted: [true, true, true, true, true, true], values: [4, 5, 6], dropped: [1, 2, 3] },
    ];
    for (const { overflow, accepted, values, dropped } of strategies) {
      it(`applies '${overflow}' to items pushed into a full buffer and counts what it drops`, () => {
        const onDrop: number[] = [];
        const { s, emitter } = subscribeCapturing<number>({ capacity: 3, overflow, onDrop: (x) => onDrop.push(x) });
        const results = [1, 2, 3, 4, 5, 6].map((x) => emitter.next(x));
        expect(results).toEqual(accepted);
        expect(snapshot(s).buffered).toBe(3);
        expect(snapshot(s).dropped).toBe(dropped.length);
        emitter.complete();
        s.request(10);
        expect(s.values).toEqual(values);
        expect(onDrop).toEqual(dropped);
        expect(s.completed).toBe(true);
        expect(s.violations).toEqual([]);
      });
    }

    it("fails with OverflowError naming the capacity under 'error', after the buffered items, and cancels the producer", () => {
      const { s, emitter } = subscribeCapturing<number>({ capacity: 3, overflow: 'error' });
      let cancelled = 0;
      emitter.onCancel(() => cancelled++);
      expect([1, 2, 3, 4, 5].map((x) => emitter.next(x))).toEqual([true, true, true, false, false]);
      expect(cancelled).toBe(1);
      expect(emitter.isCancelled).toBe(true);
      expect(s.terminated).toBe(false);
      s.request(10);
      expect(s.values).toEqual([1, 2, 3]);
      expect(s.error).toBeInstanceOf(OverflowError);
      expect(s.error?.message).toMatch(/^create: buffer overflow: capacity 3 is full/);
      expect(s.error?.message).toContain("('block', 'drop-newest', 'drop-oldest', 'latest')"); // create accepts them all
      expect((s.error as OverflowError).capacity).toBe(3);
      expect(snapshot(s).dropped).toBe(0);
      expect(s.violations).toEqual([]);
    });

    it("uses capacity 256 and 'error' by default", () => {
      const { s, emitter } = subscribeCapturing<number>(undefined);
      for (let i = 0; i < 256; i++) expect(emitter.next(i)).toBe(true);
      expect(snapshot(s)).toMatchObject({ capacity: 256, buffered: 256 });
      expect(emitter.next(256)).toBe(false);
      s.request(Infinity);
      expect(s.count).toBe(256);
      expect(s.error).toBeInstanceOf(OverflowError);
    });

    it('names the stage in snapshots and overflow errors with the name option', () => {
      const { s, emitter } = subscribeCapturing<number>({ name: 'clicks', capacity: 1 });
      emitter.next(1);
      expect(emitter.inspect().stage).toBe('clicks');
      emitter.next(2);
      s.request(5);
      expect(s.error?.message).toMatch(/^clicks: buffer overflow: capacity 1/);
    });
  });

  describe("'latest' and age budgets", () => {
    it("keeps only the newest waiting item under 'latest' (capacity 1 by default) and refuses a larger capacity", () => {
      const drops: string[] = [];
      const { s, emitter } = subscribeCapturing<number>({ overflow: 'latest', onDrop: (x, why) => drops.push(`${x}:${why}`) });
      expect([1, 2, 10].map((x) => emitter.next(x))).toEqual([true, true, true]);
      s.request(3);
      expect(s.values).toEqual([10]);
      expect(drops).toEqual(['1:overflow', '2:overflow']);
      expect(() => create(() => {}, { overflow: 'latest', capacity: 3 })).toThrow(/capacity must be 1/);
    });

    it('drops items that waited maxAge since they were pushed (not since subscribe), on the virtual clock', () => {
      const scheduler = new VirtualTimeScheduler();
      const drops: string[] = [];
      scheduler.advanceBy(1_000); // subscription time must not matter
      const { s, emitter } = subscribeCapturing<number>(
        { capacity: 4, overflow: 'drop-newest', maxAge: 100, scheduler, onDrop: (x, why) => drops.push(`${x}:${why}`) },
        new TestSubscriber<number>(0),
      );
      scheduler.advanceBy(500);
      emitter.next(1);
      scheduler.advanceBy(60);
      emitter.next(2);
      scheduler.advanceBy(40);
      expect(drops).toEqual(['1:expired']);
      expect(emitter.desiredSize).toBe(3); // the expired item gave its slot back
      s.request(1);
      expect(s.values).toEqual([2]);
      expect(snapshot(s)).toMatchObject({ dropped: 1, expired: 1, buffered: 0 });
    });

    it('expires a waiting offer that entered the buffer later, measured from when it entered', () => {
      const scheduler = new VirtualTimeScheduler();
      const drops: string[] = [];
      const { s, emitter } = subscribeCapturing<number>(
        { capacity: 1, overflow: 'block', maxAge: 100, scheduler, onDrop: (x, why) => drops.push(`${x}:${why}`) },
        new TestSubscriber<number>(0),
      );
      emitter.next(1);
      void emitter.offer(2); // waits: the buffer is full
      scheduler.advanceBy(80);
      s.request(1); // 1 goes out at t=80, 2 enters the buffer at t=80
      expect(s.values).toEqual([1]);
      scheduler.advanceBy(99);
      expect(drops).toEqual([]);
      scheduler.advanceBy(1);
      expect(drops).toEqual(['2:expired']);
    });

    it('completes after the producer completed once the rest of the buffer expired, and leaves no timer', () => {
      const scheduler = new VirtualTimeScheduler();
      const { s, emitter } = subscribeCapturing<number>(
        { capacity: 4, overflow: 'error', maxAge: 5, scheduler }, new TestSubscriber<number>(0),
      );
      emitter.next(1);
      emitter.complete();
      scheduler.advanceBy(5);
      expect(s.log).toEqual(['subscribe', 'complete']);
      expect(scheduler.pending).toBe(0);
    });

    it('fails the stream and cancels the producer when onDrop throws for an expired item', () => {
      const scheduler = new VirtualTimeScheduler();
      let cancelled = false;
      const { s, emitter } = subscribeCapturing<number>(
        { capacity: 4, overflow: 'error', maxAge: 5, scheduler, onDrop: () => { throw new Error('boom'); } },
        new TestSubscriber<number>(0),
      );
      emitter.onCancel(() => (cancelled = true));
      emitter.next(1);
      scheduler.advanceBy(5);
      expect(cancelled).toBe(true);
      expect(s.error?.message).toBe('boom');
    });
  });

  describe('demand', () => {
    it('keeps a fast synchronous producer of 1,000,000 items within capacity at every step', () => {
      const capacity = 64;
      const s = new TestSubscriber<number>();
      s.recordLog = false;
      s.keepValues = false;
      let maxDepth = 0;
      let accepted = 0;
      create<number>(
        (emitter) => {
          for (let i = 0; i < 1_000_000; i++) {
            if (emitter.next(i)) accepted++;
            const depth = emitter.inspect().buffered;
            if (depth > maxDepth) maxDepth = depth;
            if (i % 1000 === 999) s.request(10); // a slow consumer: 10 items per 1,000 produced
          }
          emitter.complete();
        },
        { capacity, overflow: 'drop-oldest' },
      ).subscribe(s);
      expect(maxDepth).toBe(capacity);
      expect(accepted).toBe(1_000_000);
      expect(s.count).toBe(10_000);
      // The last request(10) came after the last push: 64 - 10 are left.
      expect(snapshot(s)).toMatchObject({ buffered: capacity - 10, dropped: 1_000_000 - 10_000 - (capacity - 10) });
      expect(snapshot(s).received).toBe(1_000_000);
      s.request(Infinity);
      expect(s.count).toBe(10_000 + capacity - 10);
      expect(s.completed).toBe(true);
      expect(s.violations).toEqual([]);
    });

    it('suspends a producer of 1,000,000 offers while the buffer is full and never exceeds capacity', async () => {
      const capacity = 32;
      let maxDepth = 0;
      let done!: () => void;
      const finished = new Promise<void>((resolve) => (done = resolve));
      const s = new TestSubscriber<number>({
        onNext: (_, sub) => {
          const depth = snapshot(sub).buffered;
          if (depth > maxDepth) maxDepth = depth;
          if (sub.count % 100 === 0) void Promise.resolve().then(() => sub.request(100)); // slow: a batch per tick
        },
      });
      s.recordLog = false;
      s.keepValues = false;
      create<number>(
        async (emitter) => {
          for (let i = 0; i < 1_000_000; i++) {
            if (!emitter.next(i)) await emitter.offer(i); // fast path, then wait for room
            const depth = emitter.inspect().buffered;
            if (depth > maxDepth) maxDepth = depth;
          }
          emitter.complete();
        },
        { capacity, overflow: 'block' },
      ).subscribe({
        onSubscribe: (sub) => s.onSubscribe(sub),
        onNext: (x) => s.onNext(x),
        onError: (e) => s.onError(e),
        onComplete: () => {
          s.onComplete();
          done();
        },
      });
      s.request(100);
      await finished;
      expect(s.count).toBe(1_000_000);
      expect(maxDepth).toBeLessThanOrEqual(capacity);
      expect(maxDepth).toBeGreaterThan(0);
      expect(snapshot(s)).toMatchObject({ dropped: 0, received: 1_000_000, emitted: 1_000_000 });
      expect(s.violations).toEqual([]);
    });

    it('suspends offer() while the buffer is full and resumes it as demand arrives', async () => {
      const events: string[] = [];
      const { s, emitter } = subscribeCapturing<number>({ capacity: 2 });
      const producer = (async () => {
        for (let i = 1; i <= 5; i++) {
          events.push(`offer(${i})`);
          await emitter.offer(i);
          events.push(`resolved(${i})`);
        }
        emitter.complete();
      })();
      await flushMicrotasks();
      expect(events).toEqual(['offer(1)', 'resolved(1)', 'offer(2)', 'resolved(2)', 'offer(3)']);
      expect(snapshot(s).buffered).toBe(2);
      expect(emitter.desiredSize).toBe(0);
      expect(emitter.next(99)).toBe(false); // a waiting offer is first in line

      s.request(1);
      await flushMicrotasks();
      expect(s.values).toEqual([1]);
      expect(events.slice(5)).toEqual(['resolved(3)', 'offer(4)']);
      expect(snapshot(s).buffered).toBe(2);

      s.request(10);
      await producer;
      await flushMicrotasks();
      expect(s.values).toEqual([1, 2, 3, 4, 5]);
      expect(s.completed).toBe(true);
      expect(s.violations).toEqual([]);
    });

    it('reports desiredSize as room plus outstanding demand, and only room inside onNext', () => {
      let insideOnNext = -1;
      let emitter!: CreateEmitter<string>;
      const s = new TestSubscriber<string>({
        onNext: (value) => {
          if (value === 'x') insideOnNext = emitter.desiredSize;
        },
      });
      create<string>(
        (e) => {
          emitter = e;
        },
        { capacity: 4 },
      ).subscribe(s);
      expect(emitter.desiredSize).toBe(4);
      emitter.next('a');
      expect(emitter.desiredSize).toBe(3);
      s.request(3); // delivers a; 2 outstanding
      expect(emitter.desiredSize).toBe(6);
      emitter.next('x');
      expect(insideOnNext).toBe(4);
      expect(emitter.desiredSize).toBe(5);
      s.request(Infinity);
      expect(emitter.desiredSize).toBe(Infinity);
      emitter.complete();
      expect(emitter.desiredSize).toBe(0);
    });

    it('calls onRequest with the demand already outstanding, then with each request', () => {
      const calls: number[] = [];
      const s = new TestSubscriber<number>(3);
      create<number>((emitter) => emitter.onRequest((n) => calls.push(n))).subscribe(s);
      s.request(2);
      s.request(Infinity);
      expect(calls).toEqual([3, 2, Infinity]);
    });

    it('lets an onRequest producer emit more than capacity against demand without overflowing', () => {
      const s = new TestSubscriber<number>();
      create<number>(
        (emitter) => {
          let next = 0;
          emitter.onRequest((n) => {
            for (let i = 0; i < n; i++) emitter.next(next++);
          });
        },
        { capacity: 2, overflow: 'error' },
      ).subscribe(s);
      s.request(1000);
      expect(s.count).toBe(1000);
      expect(s.error).toBeNull();
      expect(snapshot(s).buffered).toBe(0);
      expect(s.violations).toEqual([]);
    });

    it('serves request(1) from inside onNext through onRequest at depth 1', () => {
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      s.recordLog = false;
      create<number>(
        (emitter) => {
          let next = 0;
          emitter.onRequest((n) => {
            for (let i = 0; i < n && next < 100_000; i++) emitter.next(next++);
            if (next === 100_000) emitter.complete();
          });
        },
        { capacity: 1 },
      ).subscribe(s);
      expect(s.count).toBe(100_000);
      expect(s.completed).toBe(true);
      expect(s.maxOnNextDepth).toBe(1);
    });
  });

  describe('errors', () => {
    it('delivers the buffered items before the error the producer signals', () => {
      const boom = new Error('boom');
      const s = new TestSubscriber<number>();
      create<number>((emitter) => {
        emitter.next(1);
        emitter.next(2);
        emitter.error(boom);
      }).subscribe(s);
      expect(s.terminated).toBe(false);
      s.request(1);
      s.request(1);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(1)', 'request(1)', 'next(2)', 'error(Error: boom)']);
    });

    it('signals a throwing producer as onError after the buffered items and cancels it', () => {
      let cancelled = false;
      const s = new TestSubscriber<number>();
      create<number>((emitter) => {
        emitter.onCancel(() => (cancelled = true));
        emitter.next(1);
        throw new Error('producer failed');
      }).subscribe(s);
      expect(cancelled).toBe(true);
      s.request(5);
      expect(s.log).toEqual(['subscribe', 'request(5)', 'next(1)', 'error(Error: producer failed)']);
    });

    it('signals the rejection of an async producer as onError', async () => {
      const s = new TestSubscriber<number>(5);
      create<number>(async (emitter) => {
        emitter.next(1);
        await Promise.resolve();
        throw new Error('async failure');
      }).subscribe(s);
      await flushMicrotasks();
      expect(s.log).toEqual(['subscribe', 'request(5)', 'next(1)', 'error(Error: async failure)']);
    });

    it('fails with a TypeError for a null or undefined item', () => {
      const s = new TestSubscriber<number | null>(5);
      let result: boolean | undefined;
      create<number | null>((emitter) => {
        emitter.next(1);
        result = emitter.next(null);
        emitter.next(2);
      }).subscribe(s);
      expect(result).toBe(false);
      expect(s.values).toEqual([1]);
      expect(s.error).toBeInstanceOf(TypeError);
      expect(s.error?.message).toMatch(/^§2\.13: create: next\(null\)/);
    });

    it('fails with the error thrown by onDrop', () => {
      const { s, emitter } = subscribeCapturing<number>({
        capacity: 1,
        overflow: 'drop-newest',
        onDrop: () => {
          throw new Error('onDrop failed');
        },
      });
      emitter.next(1);
      expect(emitter.next(2)).toBe(false);
      s.request(5);
      expect(s.values).toEqual([1]);
      expect(s.error?.message).toBe('onDrop failed');
    });

    it('reports an error signalled after complete instead of delivering it', () => {
      const reported = captureReportedErrors();
      try {
        const s = new TestSubscriber<number>(1);
        const late = new Error('late');
        create<number>((emitter) => {
          emitter.complete();
          emitter.error(late);
        }).subscribe(s);
        expect(s.log).toEqual(['subscribe', 'request(1)', 'complete']);
        expect(reported.errors).toEqual([late]);
      } finally {
        reported.restore();
      }
    });

    it('rejects a second offer while one is pending, without failing the stream', async () => {
      const { s, emitter } = subscribeCapturing<number>({ capacity: 1 });
      await emitter.offer(1);
      const pending = emitter.offer(2);
      await expect(emitter.offer(3)).rejects.toThrow(/offer\(\) called while an earlier offer\(\) is still pending/);
      s.request(2);
      await pending;
      expect(s.values).toEqual([1, 2]);
      expect(s.terminated).toBe(false);
    });

    it('throws when a second onRequest listener is registered or a listener is not a function', () => {
      const { emitter } = subscribeCapturing<number>({});
      emitter.onRequest(() => {});
      expect(() => emitter.onRequest(() => {})).toThrow(/onRequest may be registered once per emitter/);
      expect(() => emitter.onCancel(42 as never)).toThrow(TypeError);
    });

    it('rejects invalid arguments at assembly time', () => {
      expect(() => create(42 as never)).toThrow(TypeError);
      expect(() => create(() => {}, { capacity: 0 })).toThrow(RangeError);
      expect(() => create(() => {}, { capacity: 1.5 })).toThrow(RangeError);
      expect(() => create(() => {}, { overflow: 'drop' as never })).toThrow(/overflow must be one of/);
      expect(() => create(() => {}, { onDrop: 'x' as never })).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('runs onCancel listeners once, discards the buffer and refuses further items', () => {
      const { s, emitter } = subscribeCapturing<number>({});
      let calls = 0;
      emitter.onCancel(() => calls++);
      emitter.next(1);
      s.cancel();
      s.cancel();
      expect(calls).toBe(1);
      expect(emitter.isCancelled).toBe(true);
      expect(emitter.next(2)).toBe(false);
      expect(snapshot(s)).toMatchObject({ buffered: 0, cancelled: true, terminated: false });
      s.request(5);
      expect(s.log).toEqual(['subscribe', 'cancel', 'cancel', 'request(5)']);
    });

    it('rejects a pending offer with CancellationError, which an async producer may return unreported', async () => {
      const reported = captureReportedErrors();
      try {
        let offerError: unknown = null;
        const s = new TestSubscriber<number>();
        create<number>(
          async (emitter) => {
            await emitter.offer(1);
            await emitter.offer(2).catch((error) => {
              offerError = error;
              throw error;
            });
          },
          { capacity: 1 },
        ).subscribe(s);
        await flushMicrotasks();
        s.cancel();
        await flushMicrotasks();
        expect(offerError).toBeInstanceOf(CancellationError);
        expect((offerError as CancellationError).reason).toBe('cancelled');
        expect(reported.errors).toEqual([]);
      } finally {
        reported.restore();
      }
    });

    it('rejects offer() after the stream ended', async () => {
      const { emitter } = subscribeCapturing<number>({});
      emitter.complete();
      await expect(emitter.offer(1)).rejects.toMatchObject({ name: 'CancellationError', reason: 'terminated' });
    });

    it('runs an onCancel listener registered after cancel at once, and never after the producer completed', () => {
      const cancelled = subscribeCapturing<number>({});
      cancelled.s.cancel();
      let late = 0;
      cancelled.emitter.onCancel(() => late++);
      expect(late).toBe(1);

      const completed = subscribeCapturing<number>({});
      let calls = 0;
      completed.emitter.onCancel(() => calls++);
      completed.emitter.complete();
      completed.s.cancel();
      expect(calls).toBe(0);
    });

    it('cancels the producer on an invalid request (§3.9)', () => {
      const { s, emitter } = subscribeCapturing<number>({});
      let calls = 0;
      emitter.onCancel(() => calls++);
      s.request(-1);
      expect(s.error).toBeInstanceOf(RangeError);
      expect(calls).toBe(1);
      expect(emitter.isCancelled).toBe(true);
      expect(emitter.next(1)).toBe(false);
    });

    it('sees a cancel from inside onNext at once in the producer, before the onCancel listeners run', () => {
      const seen: string[] = [];
      const s = new TestSubscriber<number>({ initialRequest: 'unbounded', onNext: (_, sub) => sub.cancel() });
      create<number>((emitter) => {
        emitter.onCancel(() => seen.push('onCancel'));
        emitter.onRequest(() => {
          seen.push(`next(1) → ${emitter.next(1)}`);
          seen.push(`isCancelled → ${emitter.isCancelled}`);
          seen.push(`next(2) → ${emitter.next(2)}`);
        });
      }).subscribe(s);
      expect(seen).toEqual(['next(1) → true', 'isCancelled → true', 'next(2) → false', 'onCancel']);
      expect(s.values).toEqual([1]);
    });

    it('does not call the producer when the subscriber cancels inside onSubscribe', () => {
      let calls = 0;
      const s = new TestSubscriber<number>({ onSubscribe: (sub) => sub.cancel() });
      create<number>(() => {
        calls++;
      }).subscribe(s);
      expect(calls).toBe(0);
    });

    it('releases the subscriber and the producer listeners after cancel while the emitter is still held (§3.13)', async () => {
      const { emitter, subscriberRef, listenerRef } = (() => {
        const s = new TestSubscriber<number>(1);
        let captured!: CreateEmitter<number>;
        let listener: (() => void) | null = () => {};
        create<number>((e) => {
          captured = e;
          e.onRequest(() => {});
          e.onCancel(listener!);
        }).subscribe(s);
        const refs = { emitter: captured, subscriberRef: new WeakRef(s), listenerRef: new WeakRef(listener) };
        listener = null;
        s.cancel();
        return refs;
      })();
      await collectGarbage();
      expect(emitter.isCancelled).toBe(true); // the producer still holds its emitter
      expect(subscriberRef.deref()).toBeUndefined();
      expect(listenerRef.deref()).toBeUndefined();
    });
  });

  describe('empty and edge cases', () => {
    it('completes an empty stream without any request', () => {
      const s = new TestSubscriber<number>();
      create<number>((emitter) => emitter.complete()).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('reports a snapshot whose depth equals the real buffer after a scripted request and emit sequence', () => {
      const { s, emitter } = subscribeCapturing<number>({ capacity: 4, overflow: 'drop-newest', name: 'script' });
      const steps: [string, () => void, Partial<StageSnapshot>][] = [
        ['start', () => {}, { buffered: 0, requested: 0, received: 0, emitted: 0, dropped: 0 }],
        ['push 3', () => [1, 2, 3].forEach((x) => emitter.next(x)), { buffered: 3, requested: 0, received: 3 }],
        ['request 2', () => s.request(2), { buffered: 1, requested: 0, emitted: 2 }],
        ['push 5', () => [4, 5, 6, 7, 8].forEach((x) => emitter.next(x)), { buffered: 4, received: 8, dropped: 2 }],
        ['request 5', () => s.request(5), { buffered: 0, requested: 1, emitted: 6 }],
        ['push 1', () => emitter.next(9), { buffered: 0, requested: 0, emitted: 7 }],
        ['complete', () => emitter.complete(), { buffered: 0, terminated: true, cancelled: false }],
      ];
      for (const [label, step, expected] of steps) {
        step();
        const shot = snapshot(s);
        expect({ label, ...shot }).toMatchObject({ label, stage: 'script', capacity: 4, ...expected });
        expect({ label, buffered: shot.buffered }).toEqual({ label, buffered: realBufferSize(s) });
        expect(emitter.inspect()).toEqual(shot);
      }
      expect(s.values).toEqual([1, 2, 3, 4, 5, 6, 9]);
    });
  });
});
