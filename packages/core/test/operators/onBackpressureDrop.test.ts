import { describe, expect, it } from 'vitest';
import { isInspectable, type StageSnapshot } from '../../src/internal/inspect';
import { onBackpressureDrop } from '../../src/operators/onBackpressureDrop';
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

describe('onBackpressureDrop', () => {
  operatorContract('onBackpressureDrop', {
    apply: (source) => onBackpressureDrop<number>()(source),
    upstreamBound: () => Infinity,
  });

  describe('behaviour', () => {
    it('drops every item that arrives without downstream demand, counting each and passing it to onDrop', () => {
      const dropped: number[] = [];
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      onBackpressureDrop<number>((x) => dropped.push(x))(upstream).subscribe(s);
      upstream.next(1, 2, 3);
      s.request(2);
      upstream.next(4, 5, 6);
      upstream.complete();
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(1)', 'request(2)', 'next(4)', 'next(5)', 'complete']);
      expect(dropped).toEqual([2, 3, 6]);
      expect(snapshot(s)).toMatchObject({ dropped: 3, received: 6, emitted: 3, buffered: 0 });
    });

    it('keeps nothing back for later demand', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      onBackpressureDrop<number>()(upstream).subscribe(s);
      upstream.next(1, 2);
      s.request(5);
      expect(s.values).toEqual([]);
      expect(snapshot(s).buffered).toBe(0);
    });
  });

  describe('demand', () => {
    it('requests unbounded upstream once and delivers against outstanding demand', () => {
      const s = new TestSubscriber<number>(3);
      const upstream = new TestPublisher<number>();
      onBackpressureDrop<number>()(upstream).subscribe(s);
      upstream.next(...Array.from({ length: 1000 }, (_, i) => i));
      expect(upstream.requests).toEqual([Number.MAX_SAFE_INTEGER]);
      expect(s.values).toEqual([0, 1, 2]);
      expect(snapshot(s).dropped).toBe(997);
      expect(s.violations).toEqual([]);
    });
  });

  describe('errors', () => {
    it('cancels upstream and signals the error thrown by onDrop', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      onBackpressureDrop<number>(() => {
        throw new Error('onDrop failed');
      })(upstream).subscribe(s);
      upstream.next(1);
      expect(upstream.cancelled).toBe(true);
      expect(s.error?.message).toBe('onDrop failed');
    });

    it('passes an upstream error through', () => {
      const s = new TestSubscriber<number>(1);
      const upstream = new TestPublisher<number>();
      onBackpressureDrop<number>()(upstream).subscribe(s);
      upstream.next(1);
      upstream.error(new Error('boom'));
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(1)', 'error(Error: boom)']);
    });

    it('rejects a non-function onDrop at assembly time', () => {
      expect(() => onBackpressureDrop(42 as never)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels upstream', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      onBackpressureDrop<number>()(upstream).subscribe(s);
      s.cancel();
      expect(upstream.cancelled).toBe(true);
      expect(snapshot(s).cancelled).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('completes at once for an empty upstream', () => {
      const s = new TestSubscriber<number>();
      range(0, 0).pipe(onBackpressureDrop<number>()).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('reports a snapshot matching a scripted request and emit sequence', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      onBackpressureDrop<number>()(upstream).subscribe(s);
      const steps: [() => void, Partial<StageSnapshot>][] = [
        [() => upstream.next(1), { buffered: 0, requested: 0, received: 1, dropped: 1 }],
        [() => s.request(2), { buffered: 0, requested: 2 }],
        [() => upstream.next(2), { buffered: 0, requested: 1, emitted: 1, dropped: 1 }],
        [() => upstream.next(3, 4), { buffered: 0, requested: 0, emitted: 2, dropped: 2, received: 4 }],
      ];
      for (const [step, expected] of steps) {
        step();
        expect(snapshot(s)).toMatchObject({ stage: 'onBackpressureDrop', ...expected });
        expect(snapshot(s).buffered).toBe(realBufferSize(s));
      }
    });
  });
});
