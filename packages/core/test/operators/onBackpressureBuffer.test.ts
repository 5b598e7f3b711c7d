import { describe, expect, it } from 'vitest';
import { OverflowError } from '../../src/internal/errors';
import { isInspectable, type StageSnapshot } from '../../src/internal/inspect';
import { onBackpressureBuffer, type BufferOverflowStrategy } from '../../src/operators/onBackpressureBuffer';
import { range } from '../../src/sources/range';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';

function snapshot(s: { subscription: unknown }): StageSnapshot {
  if (!isInspectable(s.subscription)) throw new Error('the stage is not Inspectable');
  return s.subscription.inspect();
}

function realBufferSize(s: { subscription: unknown }): number {
  return (s.subscription as unknown as { buffer: { size: number } }).buffer.size;
}

describe('onBackpressureBuffer', () => {
  operatorContract('onBackpressureBuffer', {
    apply: (source) => onBackpressureBuffer<number>()(source),
    upstreamBound: () => Infinity,
  });

  describe('behaviour', () => {
    it('keeps items downstream has not requested yet and emits them per demand', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      onBackpressureBuffer<number>({ capacity: 5 })(upstream).subscribe(s);
      upstream.next(1, 2, 3);
      s.request(2);
      upstream.next(4);
      upstream.complete();
      expect(s.log).toEqual(['subscribe', 'request(2)', 'next(1)', 'next(2)']);
      s.request(5);
      expect(s.log).toEqual(['subscribe', 'request(2)', 'next(1)', 'next(2)', 'request(5)', 'next(3)', 'next(4)', 'complete']);
      expect(s.violations).toEqual([]);
    });

    const strategies: { overflow: BufferOverflowStrategy; values: number[]; dropped: number[] }[] = [
      { overflow: 'drop-newest', values: [1, 2, 3], dropped: [4, 5, 6] },
      { overflow: 'drop-oldest', values: [4, 5, 6], dropped: [1, 2, 3] },
    ];
    for (const { overflow, values, dropped } of strategies) {
      it(`applies '${overflow}' when the buffer is full and counts each drop`, () => {
        const onDrop: number[] = [];
        const upstream = new TestPublisher<number>();
        const s = new TestSubscriber<number>();
        onBackpressureBuffer<number>({ capacity: 3, overflow, onDrop: (x) => onDrop.push(x) })(upstream).subscribe(s);
        upstream.next(1, 2, 3, 4, 5, 6);
        expect(snapshot(s)).toMatchObject({ buffered: 3, dropped: dropped.length, received: 6 });
        upstream.complete();
        s.request(10);
        expect(s.values).toEqual(values);
        expect(onDrop).toEqual(dropped);
        expect(snapshot(s).dropped).toBe(onDrop.length);
        expect(s.completed).toBe(true);
        expect(upstream.cancelled).toBe(false);
      });
    }

    it("cancels upstream on overflow under 'error' (the default) and signals OverflowError after the buffered items", () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      onBackpressureBuffer<number>({ capacity: 2 })(upstream).subscribe(s);
      upstream.next(1, 2, 3);
      expect(upstream.cancelled).toBe(true);
      expect(s.terminated).toBe(false);
      s.request(5);
      expect(s.values).toEqual([1, 2]);
      expect(s.error).toBeInstanceOf(OverflowError);
      expect(s.error?.message).toMatch(/^onBackpressureBuffer: buffer overflow: capacity 2 is full/);
      // onBackpressureBuffer rejects 'block', so its advice must not suggest it
      expect(s.error?.message).toContain("choose an overflow strategy ('drop-newest', 'drop-oldest', 'latest')");
      expect(s.error?.message).not.toContain('block');
      expect(s.violations).toEqual([]);
    });
  });

  describe("'latest'", () => {
    it('keeps only the newest waiting item with the default capacity of 1', () => {
      const drops: string[] = [];
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(0);
      onBackpressureBuffer<number>({ overflow: 'latest', onDrop: (x, why) => drops.push(`${x}:${why}`) })(upstream).subscribe(s);
      upstream.next(1, 2, 3, 10);
      s.request(5);
      expect(s.values).toEqual([10]);
      expect(drops).toEqual(['1:overflow', '2:overflow', '3:overflow']);
      expect(snapshot(s)).toMatchObject({ capacity: 1, dropped: 3 });
    });

    it('refuses a capacity above 1, naming drop-oldest for the newest N', () => {
      expect(() => onBackpressureBuffer({ overflow: 'latest', capacity: 3 })).toThrow(RangeError);
      expect(() => onBackpressureBuffer({ overflow: 'latest', capacity: 3 })).toThrow(/capacity must be 1.*'drop-oldest'/);
    });
  });

  describe('age budgets (maxAge)', () => {
    it('drops an item that waited maxAge on the timer, without demand, and never delivers it late', () => {
      const scheduler = new VirtualTimeScheduler();
      const drops: string[] = [];
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(0);
      const stage = onBackpressureBuffer<number>({
        capacity: 8, overflow: 'drop-newest', maxAge: 100, scheduler, onDrop: (x, why) => drops.push(`${x}:${why}`),
      });
      stage(upstream).subscribe(s);
      upstream.next(1);
      scheduler.advanceBy(50);
      upstream.next(2, 3);
      scheduler.advanceBy(49);
      expect(drops).toEqual([]); // 1 is 99 ms old
      scheduler.advanceBy(1);
      expect(drops).toEqual(['1:expired']); // measured from enqueue: 1 went in at t=0
      expect(snapshot(s)).toMatchObject({ buffered: 2, dropped: 1, expired: 1 });
      s.request(1);
      expect(s.values).toEqual([2]);
      scheduler.advanceBy(50);
      expect(drops).toEqual(['1:expired', '3:expired']);
      s.request(5);
      expect(s.values).toEqual([2]);
      upstream.next(4);
      expect(s.values).toEqual([2, 4]);
    });

    it('completes once the last buffered item expired after the upstream completed', () => {
      const scheduler = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(0);
      onBackpressureBuffer<number>({ capacity: 4, overflow: 'error', maxAge: 10, scheduler })(upstream).subscribe(s);
      upstream.next(1, 2);
      upstream.complete();
      expect(s.completed).toBe(false);
      scheduler.advanceBy(10);
      expect(s.log).toEqual(['subscribe', 'complete']);
      expect(scheduler.pending).toBe(0);
    });

    it('fails the stream when onDrop throws for an expired item, and cancels upstream', () => {
      const scheduler = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(0);
      const stage = onBackpressureBuffer<number>({
        capacity: 4, overflow: 'drop-newest', maxAge: 10, scheduler, onDrop: () => { throw new Error('boom'); },
      });
      stage(upstream).subscribe(s);
      upstream.next(1);
      scheduler.advanceBy(10);
      expect(upstream.cancelled).toBe(true);
      expect(s.error?.message).toBe('boom');
    });

    it('withdraws its expiry timer on cancel (§3.13)', () => {
      const scheduler = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(0);
      onBackpressureBuffer<number>({ capacity: 4, overflow: 'drop-newest', maxAge: 10, scheduler })(upstream).subscribe(s);
      upstream.next(1);
      expect(scheduler.pending).toBe(1);
      s.cancel();
      expect(scheduler.pending).toBe(0);
    });

    it('refuses a maxAge that is not a positive number', () => {
      expect(() => onBackpressureBuffer({ maxAge: 0 })).toThrow(RangeError);
      expect(() => onBackpressureBuffer({ maxAge: Number.NaN })).toThrow(RangeError);
    });
  });

  describe('demand', () => {
    it('requests unbounded upstream once, whatever downstream requests', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      onBackpressureBuffer<number>()(upstream).subscribe(s);
      s.request(3);
      expect(upstream.requests).toEqual([Number.MAX_SAFE_INTEGER]);
    });

    it('keeps a fast upstream of 1,000,000 items into a slow consumer within capacity at every step', () => {
      const capacity = 100;
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      s.recordLog = false;
      s.keepValues = false;
      onBackpressureBuffer<number>({ capacity, overflow: 'drop-oldest' })(upstream).subscribe(s);
      let maxDepth = 0;
      for (let i = 0; i < 1_000_000; i++) {
        upstream.next(i);
        const depth = snapshot(s).buffered;
        if (depth > maxDepth) maxDepth = depth;
        if (i % 1000 === 0) s.request(5);
      }
      expect(maxDepth).toBe(capacity);
      expect(s.count).toBe(5_000);
      const shot = snapshot(s);
      expect(shot.received).toBe(1_000_000);
      expect(shot.dropped).toBe(1_000_000 - 5_000 - shot.buffered);
      expect(s.violations).toEqual([]);
    });
  });

  describe('errors', () => {
    it('signals an upstream error after the buffered items', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      onBackpressureBuffer<number>()(upstream).subscribe(s);
      upstream.next(1, 2);
      upstream.error(new Error('boom'));
      expect(s.terminated).toBe(false);
      s.request(2);
      expect(s.log).toEqual(['subscribe', 'request(2)', 'next(1)', 'next(2)', 'error(Error: boom)']);
    });

    it('cancels upstream and signals the error thrown by onDrop after the buffered items', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      const operator = onBackpressureBuffer<number>({
        capacity: 1,
        overflow: 'drop-newest',
        onDrop: () => {
          throw new Error('onDrop failed');
        },
      });
      operator(upstream).subscribe(s);
      upstream.next(1, 2);
      expect(upstream.cancelled).toBe(true);
      s.request(3);
      expect(s.values).toEqual([1]);
      expect(s.error?.message).toBe('onDrop failed');
    });

    it('rejects invalid options at assembly time', () => {
      expect(() => onBackpressureBuffer({ capacity: 0 })).toThrow(RangeError);
      expect(() => onBackpressureBuffer({ capacity: Infinity })).toThrow(RangeError);
      expect(() => onBackpressureBuffer({ overflow: 'block' as never })).toThrow(/overflow must be one of 'error'/);
      expect(() => onBackpressureBuffer({ onDrop: 1 as never })).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels upstream and discards the buffer', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      onBackpressureBuffer<number>()(upstream).subscribe(s);
      upstream.next(1, 2);
      s.cancel();
      expect(upstream.cancelled).toBe(true);
      expect(snapshot(s)).toMatchObject({ buffered: 0, cancelled: true, terminated: false });
    });
  });

  describe('empty and edge cases', () => {
    it('completes at once for an empty upstream', () => {
      const s = new TestSubscriber<number>();
      range(0, 0).pipe(onBackpressureBuffer<number>()).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('reports a snapshot whose depth equals the real buffer after a scripted request and emit sequence', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      onBackpressureBuffer<number>({ capacity: 3, overflow: 'drop-newest' })(upstream).subscribe(s);
      const steps: [string, () => void, Partial<StageSnapshot>][] = [
        ['start', () => {}, { buffered: 0, requested: 0, upstreamRequested: Infinity }],
        ['emit 2', () => upstream.next(1, 2), { buffered: 2, received: 2 }],
        ['request 1', () => s.request(1), { buffered: 1, requested: 0, emitted: 1 }],
        ['emit 4', () => upstream.next(3, 4, 5, 6), { buffered: 3, received: 6, dropped: 2 }],
        ['request 4', () => s.request(4), { buffered: 0, requested: 1, emitted: 4 }],
        ['emit 1', () => upstream.next(7), { buffered: 0, requested: 0, emitted: 5 }],
        ['complete', () => upstream.complete(), { terminated: true, upstreamRequested: 0 }],
      ];
      for (const [label, step, expected] of steps) {
        step();
        const shot = snapshot(s);
        expect({ label, ...shot }).toMatchObject({ label, stage: 'onBackpressureBuffer', capacity: 3, ...expected });
        expect({ label, buffered: shot.buffered }).toEqual({ label, buffered: realBufferSize(s) });
      }
      expect(s.values).toEqual([1, 2, 3, 4, 7]);
    });
  });
});
