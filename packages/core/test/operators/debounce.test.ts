import { describe, expect, it } from 'vitest';
import { debounce } from '../../src/operators/debounce';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { range } from '../../src/sources/range';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { timeOperatorContract } from '../contract/timeOperatorContract';
import { isCollected } from '../support/collectGarbage';
import { spyUpstream } from '../support/spyUpstream';
import { snapshot } from '../support/snapshot';
import { timedSubscriber } from '../support/timedSubscriber';

function setup(initialRequest: number | 'unbounded', ms = 10) {
  const clock = new VirtualTimeScheduler();
  const upstream = new TestPublisher<number>();
  const s = timedSubscriber(clock, initialRequest);
  spyUpstream(upstream, s.log).pipe(debounce<number>(ms, { scheduler: clock })).subscribe(s);
  return { clock, upstream, s };
}

describe('debounce', () => {
  const contractClock = new VirtualTimeScheduler();
  operatorContract('debounce', {
    apply: (source) => debounce<number>(10, { scheduler: contractClock })(source),
    settle: () => contractClock.runUntilIdle(),
    upstreamBound: () => Infinity,
  });

  timeOperatorContract('debounce', { build: (ms, scheduler) => debounce<number>(ms, { scheduler }) });

  describe('behaviour', () => {
    it('emits the last item of a burst once ms have passed without a newer one, step by step', () => {
      const { clock, upstream, s } = setup('unbounded');
      upstream.next(1);
      clock.advanceBy(5);
      upstream.next(2);
      clock.advanceBy(9);
      expect(s.values).toEqual([]); // 2 arrived at 5: due at 15
      clock.advanceBy(1);
      upstream.next(3);
      clock.advanceBy(10);
      expect(s.log).toEqual([
        '0: subscribe', '0: request(Infinity)', '0: up.request(Infinity)', '15: next(2)', '25: next(3)',
      ]);
      expect(clock.pending).toBe(0);
    });

    it('flushes the waiting item at once when the source completes', () => {
      const { clock, upstream, s } = setup('unbounded');
      upstream.next(1);
      clock.advanceBy(3);
      upstream.complete();
      expect(s.log.slice(3)).toEqual(['3: next(1)', '3: complete']);
      expect(clock.pending).toBe(0);
    });
  });

  describe('demand', () => {
    it('requests nothing upstream before downstream requests, then an unbounded amount once', () => {
      const { upstream, s } = setup(0);
      expect(upstream.requests).toEqual([]);
      s.request(1);
      s.request(1);
      expect(upstream.requests).toEqual([Number.MAX_SAFE_INTEGER]); // the foreign-publisher adapter's unbounded
    });

    it('keeps a due item without demand in its one slot until requested', () => {
      const { clock, upstream, s } = setup(0);
      s.request(1);
      upstream.next(1);
      clock.advanceBy(10);
      expect(s.values).toEqual([1]);
      upstream.next(2);
      clock.advanceBy(50);
      expect(s.values).toEqual([1]); // due at 20, but nothing was requested
      expect(snapshot(s)).toMatchObject({ capacity: 1, buffered: 1, received: 2, emitted: 1, dropped: 0, requested: 0 });
      s.request(1);
      expect(s.log.slice(-2)).toEqual(['60: request(1)', '60: next(2)']);
      expect(s.violations).toEqual([]);
    });

    it('replaces a due, unrequested item with a newer one, which restarts the quiet period', () => {
      const { clock, upstream, s } = setup(0);
      s.request(1);
      upstream.next(1);
      clock.advanceBy(10);
      upstream.next(2);
      clock.advanceBy(10); // 2 is due at 20 but not requested
      upstream.next(3); // replaces 2, due at 30
      s.request(1);
      expect(s.values).toEqual([1]);
      clock.advanceBy(9);
      expect(s.values).toEqual([1]);
      clock.advanceBy(1);
      expect(s.values).toEqual([1, 3]);
      expect(snapshot(s)).toMatchObject({ received: 3, emitted: 2, buffered: 0 });
    });

    it('holds a completed stream\'s last item until it is requested, then completes', () => {
      const { upstream, s } = setup(0);
      s.request(1);
      upstream.next(6);
      upstream.complete();
      expect(s.values).toEqual([6]);
      expect(s.completed).toBe(true);
    });

    it('holds the flushed item of a completed stream without demand, then emits it and completes', () => {
      const { clock, upstream, s } = setup(0);
      s.request(1);
      upstream.next(1);
      clock.advanceBy(10);
      upstream.next(2);
      upstream.complete();
      expect(s.completed).toBe(false);
      s.request(1);
      expect(s.log.slice(-3)).toEqual(['10: request(1)', '10: next(2)', '10: complete']);
    });
  });

  describe('errors', () => {
    it('signals an upstream error at once and discards the waiting item', () => {
      const { clock, upstream, s } = setup('unbounded');
      upstream.next(1);
      upstream.error(new Error('boom'));
      clock.advanceBy(100);
      expect(s.log.slice(3)).toEqual(['0: error(Error: boom)']);
      expect(clock.pending).toBe(0);
    });
  });

  describe('cancellation', () => {
    it('withdraws the pending timer and cancels upstream', () => {
      const { clock, upstream, s } = setup('unbounded');
      upstream.next(1);
      expect(clock.pending).toBe(1);
      s.cancel();
      expect(clock.pending).toBe(0);
      expect(upstream.cancelled).toBe(true);
      expect(s.log.slice(-2)).toEqual(['0: cancel', '0: up.cancel']);
    });

    it('releases the subscriber while an item waits for its quiet period (§3.13)', async () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const ref = (() => {
        const s = new TestSubscriber<number>('unbounded');
        debounce<number>(10, { scheduler: clock })(upstream).subscribe(s);
        upstream.next(1);
        s.cancel();
        upstream.subscriber = null;
        return new WeakRef(s);
      })();
      expect(await isCollected(ref)).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('completes at once for an empty source', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>(1);
      range(0, 0).pipe(debounce(10, { scheduler: clock })).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'complete']);
    });

    it('with debounce(0) emits each item on the next scheduler turn unless a newer one came first', () => {
      const { clock, upstream, s } = setup('unbounded', 0);
      upstream.next(1, 2);
      clock.runNext();
      upstream.next(3);
      clock.runUntilIdle();
      expect(s.values).toEqual([2, 3]);
    });

    it('rejects a negative, infinite or non-number ms and a bad scheduler at assembly', () => {
      expect(() => debounce(-1)).toThrow(RangeError);
      expect(() => debounce(Infinity)).toThrow(RangeError);
      expect(() => debounce('5' as unknown as number)).toThrow(RangeError);
      expect(() => debounce(5, { scheduler: {} as never })).toThrow(TypeError);
    });
  });
});
