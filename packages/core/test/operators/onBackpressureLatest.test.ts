import { describe, expect, it } from 'vitest';
import { isInspectable, type StageSnapshot } from '../../src/internal/inspect';
import { onBackpressureLatest } from '../../src/operators/onBackpressureLatest';
import { range } from '../../src/sources/range';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';

function snapshot(s: { subscription: unknown }): StageSnapshot {
  if (!isInspectable(s.subscription)) throw new Error('the stage is not Inspectable');
  return s.subscription.inspect();
}

/** The real buffer behind the snapshot, read directly so the test compares the snapshot with the truth. */
function realBufferSize(s: { subscription: unknown }): number {
  return (s.subscription as unknown as { buffer: { size: number } }).buffer.size;
}

describe('onBackpressureLatest', () => {
  operatorContract('onBackpressureLatest', {
    apply: (source) => onBackpressureLatest<number>()(source),
    upstreamBound: () => Infinity,
  });

  describe('behaviour', () => {
    it('keeps only the most recent item while there is no demand and delivers it when demand arrives', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      onBackpressureLatest<number>()(upstream).subscribe(s);
      upstream.next(1, 2, 3, 4);
      s.request(1);
      upstream.next(5);
      s.request(1);
      upstream.complete();
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(1)', 'request(1)', 'next(4)', 'request(1)', 'next(5)', 'complete']);
      expect(snapshot(s)).toMatchObject({ dropped: 2, received: 5, emitted: 3 });
    });
  });

  describe('onDrop', () => {
    it('passes each replaced item to onDrop, like its siblings', () => {
      const drops: number[] = [];
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(0);
      onBackpressureLatest<number>((x) => drops.push(x))(upstream).subscribe(s);
      upstream.next(1, 2, 3);
      s.request(1);
      upstream.next(4);
      expect(s.values).toEqual([3]);
      expect(drops).toEqual([1, 2]);
      expect(snapshot(s).dropped).toBe(2);
    });

    it('fails the stream after the held item when onDrop throws, and cancels upstream', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(0);
      onBackpressureLatest<number>(() => { throw new Error('boom'); })(upstream).subscribe(s);
      upstream.next(1, 2);
      expect(upstream.cancelled).toBe(true);
      s.request(5);
      expect(s.values).toEqual([2]);
      expect(s.error?.message).toBe('boom');
    });

    it('refuses an onDrop that is not a function', () => {
      expect(() => onBackpressureLatest(42 as never)).toThrow(TypeError);
    });
  });

  describe('demand', () => {
    it('requests unbounded upstream once and holds at most one item', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      onBackpressureLatest<number>()(upstream).subscribe(s);
      let maxDepth = 0;
      for (let i = 0; i < 10_000; i++) {
        upstream.next(i);
        maxDepth = Math.max(maxDepth, snapshot(s).buffered);
      }
      expect(upstream.requests).toEqual([Number.MAX_SAFE_INTEGER]);
      expect(maxDepth).toBe(1);
      s.request(5);
      expect(s.values).toEqual([9_999]);
      expect(snapshot(s).dropped).toBe(9_999);
    });
  });

  describe('errors', () => {
    it('signals an upstream error after the held item', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      onBackpressureLatest<number>()(upstream).subscribe(s);
      upstream.next(1, 2);
      upstream.error(new Error('boom'));
      s.request(1);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(2)', 'error(Error: boom)']);
    });
  });

  describe('cancellation', () => {
    it('cancels upstream and discards the held item', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      onBackpressureLatest<number>()(upstream).subscribe(s);
      upstream.next(1);
      s.cancel();
      expect(upstream.cancelled).toBe(true);
      expect(snapshot(s)).toMatchObject({ buffered: 0, cancelled: true });
    });
  });

  describe('empty and edge cases', () => {
    it('completes at once for an empty upstream', () => {
      const s = new TestSubscriber<number>();
      range(0, 0).pipe(onBackpressureLatest<number>()).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('reports a snapshot matching a scripted request and emit sequence', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      onBackpressureLatest<number>()(upstream).subscribe(s);
      const steps: [() => void, Partial<StageSnapshot>][] = [
        [() => {}, { capacity: 1, buffered: 0, requested: 0 }],
        [() => upstream.next(1, 2), { buffered: 1, received: 2, dropped: 1 }],
        [() => s.request(3), { buffered: 0, requested: 2, emitted: 1 }],
        [() => upstream.next(3), { buffered: 0, requested: 1, emitted: 2 }],
        [() => upstream.complete(), { terminated: true }],
      ];
      for (const [step, expected] of steps) {
        step();
        expect(snapshot(s)).toMatchObject({ stage: 'onBackpressureLatest', ...expected });
        expect(snapshot(s).buffered).toBe(realBufferSize(s));
      }
    });
  });
});
