import { describe, expect, it } from 'vitest';
import { OverflowError } from '../../src/internal/errors';
import { isInspectable, type StageSnapshot } from '../../src/internal/inspect';
import { onBackpressureBuffer, type BufferOverflowStrategy } from '../../src/operators/onBackpressureBuffer';
import { range } from '../../src/sources/range';
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
      { overflow: 'latest', values: [1, 2, 6], dropped: [3, 4, 5] },
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
