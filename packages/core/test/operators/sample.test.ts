import { describe, expect, it } from 'vitest';
import { sample, type SampleOperatorOptions } from '../../src/operators/sample';
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

function setup(initialRequest: number | 'unbounded', options: Omit<SampleOperatorOptions, 'scheduler'> = {}) {
  const clock = new VirtualTimeScheduler();
  const upstream = new TestPublisher<number>();
  const s = timedSubscriber(clock, initialRequest);
  spyUpstream(upstream, s.log).pipe(sample<number>(10, { ...options, scheduler: clock })).subscribe(s);
  return { clock, upstream, s };
}

describe('sample', () => {
  // The tick is periodic, so settling advances a bounded stretch of virtual time instead of running until idle.
  const contractClock = new VirtualTimeScheduler();
  operatorContract('sample', {
    apply: (source) => sample<number>(10, { scheduler: contractClock })(source),
    settle: () => contractClock.advanceBy(10),
    upstreamBound: () => Infinity,
  });

  timeOperatorContract('sample', { build: (ms, scheduler) => sample<number>(ms, { scheduler }) });
  const dropClock = new VirtualTimeScheduler();
  operatorContract('sample (drop)', {
    apply: (source) => sample<number>(10, { scheduler: dropClock, onOverflow: 'drop' })(source),
    settle: () => dropClock.advanceBy(10),
    upstreamBound: () => Infinity,
  });

  describe('behaviour', () => {
    it('emits the latest item at each tick, and nothing at a tick without a new item', () => {
      const { clock, upstream, s } = setup('unbounded');
      clock.advanceTo(2);
      upstream.next(1);
      clock.advanceTo(4);
      upstream.next(2);
      clock.advanceTo(10);
      expect(s.log).toEqual(['0: subscribe', '0: request(Infinity)', '0: up.request(Infinity)', '10: next(2)']);
      clock.advanceTo(20); // no new item
      clock.advanceTo(25);
      upstream.next(3);
      clock.advanceTo(30);
      expect(s.log.slice(4)).toEqual(['30: next(3)']);
    });

    it('ticks against the subscription time, so ticks do not drift', () => {
      const { clock, upstream, s } = setup('unbounded');
      for (let t = 1; t <= 95; t += 7) {
        clock.advanceTo(t);
        upstream.next(t);
      }
      clock.advanceTo(100);
      expect(s.log.slice(3).map((entry) => entry.split(':')[0])).toEqual(['10', '20', '30', '40', '50', '60', '70', '80', '90', '100']);
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

    it('fails by default when a tick takes a sample nobody requested, cancelling upstream', () => {
      const { clock, upstream, s } = setup(1);
      upstream.next(1);
      clock.advanceTo(10);
      upstream.next(2);
      clock.advanceTo(20);
      expect(s.log.slice(3, 4)).toEqual(['10: next(1)']);
      expect(s.log[4]).toBe('20: up.cancel');
      expect(s.error?.message).toMatch(/^sample: tick 2 .* no outstanding demand/);
      expect(s.violations).toEqual([]);
      expect(clock.pending).toBe(0);
    });

    it('drops and counts an unrequested sample with onOverflow: drop, and goes on', () => {
      const { clock, upstream, s } = setup(1, { onOverflow: 'drop' });
      upstream.next(1);
      clock.advanceTo(10);
      upstream.next(2);
      clock.advanceTo(20);
      expect(snapshot(s)).toMatchObject({ received: 2, emitted: 1, dropped: 1, requested: 0, buffered: 0 });
      s.request(1);
      upstream.next(3);
      clock.advanceTo(30);
      expect(s.values).toEqual([1, 3]);
      expect(s.violations).toEqual([]);
    });
  });

  describe('errors', () => {
    it('signals an upstream error at once and stops ticking', () => {
      const { clock, upstream, s } = setup('unbounded');
      upstream.next(1);
      upstream.error(new Error('boom'));
      expect(s.log.slice(3)).toEqual(['0: error(Error: boom)']);
      expect(clock.pending).toBe(0);
    });

    it('rejects bad arguments at assembly', () => {
      expect(() => sample(0)).toThrow(RangeError);
      expect(() => sample(Infinity)).toThrow(RangeError);
      expect(() => sample(5, { onOverflow: 'latest' as never })).toThrow(TypeError);
      expect(() => sample(5, { scheduler: null as never })).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels the periodic tick and upstream', () => {
      const { clock, upstream, s } = setup('unbounded');
      expect(clock.pending).toBe(1);
      s.cancel();
      expect(clock.pending).toBe(0);
      expect(upstream.cancelled).toBe(true);
    });

    it('never schedules a tick when cancelled from inside onSubscribe', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>({ onSubscribe: (sub) => sub.cancel() });
      range(0, 3).pipe(sample(10, { scheduler: clock })).subscribe(s);
      expect(clock.pending).toBe(0);
    });

    it('releases the subscriber while the tick is pending (§3.13)', async () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const ref = (() => {
        const s = new TestSubscriber<number>('unbounded');
        sample<number>(10, { scheduler: clock })(upstream).subscribe(s);
        upstream.next(1);
        s.cancel();
        upstream.subscriber = null;
        return new WeakRef(s);
      })();
      expect(await isCollected(ref)).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('flushes an item that arrived after the last tick at completion, then completes', () => {
      const { clock, upstream, s } = setup('unbounded');
      upstream.next(1);
      clock.advanceTo(5);
      upstream.complete();
      expect(s.log.slice(3)).toEqual(['5: next(1)', '5: complete']);
      expect(clock.pending).toBe(0);
    });

    it('holds the flushed item until requested: completion is not time, so no overflow', () => {
      const { clock, upstream, s } = setup(1);
      upstream.next(1);
      clock.advanceTo(10);
      upstream.next(2);
      upstream.complete();
      expect(s.completed).toBe(false);
      expect(snapshot(s)).toMatchObject({ buffered: 1, requested: 0 });
      s.request(1);
      expect(s.log.slice(-3)).toEqual(['10: request(1)', '10: next(2)', '10: complete']);
    });

    it('completes at once for an empty source', () => {
      const s = new TestSubscriber<number>(1);
      range(0, 0).pipe(sample(10, { scheduler: new VirtualTimeScheduler() })).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'complete']);
    });
  });
});
