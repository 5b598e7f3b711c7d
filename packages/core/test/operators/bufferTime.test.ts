import { describe, expect, it } from 'vitest';
import { bufferTime, type BufferTimeOptions } from '../../src/operators/bufferTime';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { range } from '../../src/sources/range';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { timeOperatorContract } from '../contract/timeOperatorContract';
import { isCollected } from '../support/collectGarbage';
import { spyUpstream } from '../support/spyUpstream';
import { snapshot } from '../support/snapshot';
import { timedSubscriber } from '../support/timedSubscriber';

function setup(initialRequest: number | 'unbounded', maxCount = 3, options: Omit<BufferTimeOptions, 'scheduler'> = {}) {
  const clock = new VirtualTimeScheduler();
  const upstream = new TestPublisher<number>();
  const s = timedSubscriber<number[]>(clock, initialRequest);
  spyUpstream(upstream, s.log).pipe(bufferTime<number>(10, maxCount, { ...options, scheduler: clock })).subscribe(s);
  return { clock, upstream, s };
}

describe('bufferTime', () => {
  const contractClock = new VirtualTimeScheduler();
  operatorContract('bufferTime', {
    apply: (source) => bufferTime<number>(10, 3, { scheduler: contractClock, onOverflow: 'drop' })(source),
    settle: () => contractClock.runUntilIdle(),
    itemsPerOutput: 3,
  });

  timeOperatorContract('bufferTime', { build: (ms, scheduler) => bufferTime<number>(ms, 100, { scheduler }) });

  describe('behaviour', () => {
    it('emits a buffer ms after its first item, or when it is full, step by step', () => {
      const { clock, upstream, s } = setup('unbounded');
      expect(s.log).toEqual(['0: subscribe', '0: request(Infinity)', '0: up.request(3)']);
      clock.advanceTo(2);
      upstream.next(1);
      clock.advanceTo(5);
      upstream.next(2);
      clock.advanceTo(12);
      expect(s.log.slice(3)).toEqual(['12: next(1,2)', '12: up.request(2)']);
      clock.advanceTo(20);
      upstream.next(3, 4, 5); // full before its time is up
      expect(s.log.slice(5)).toEqual(['20: next(3,4,5)', '20: up.request(3)']);
      clock.advanceTo(100);
      expect(s.log.length).toBe(7); // no empty buffers
    });

    it('flushes the partial buffer at completion', () => {
      const { clock, upstream, s } = setup('unbounded');
      upstream.next(1);
      clock.advanceTo(3);
      upstream.complete();
      expect(s.log.slice(3)).toEqual(['3: next(1)', '3: complete']);
      expect(clock.pending).toBe(0);
    });
  });

  describe('demand', () => {
    it('requests at most maxCount ahead, and only while downstream has demand', () => {
      const { upstream, s } = setup(0, 4);
      expect(upstream.requests).toEqual([]);
      s.request(1);
      expect(upstream.requests).toEqual([4]);
      upstream.next(1, 2, 3, 4);
      expect(s.values).toEqual([[1, 2, 3, 4]]);
      expect(upstream.requests).toEqual([4]); // demand used up: nothing more asked
      expect(snapshot(s)).toMatchObject({ capacity: 4, buffered: 0, upstreamRequested: 0, requested: 0 });
      s.request(2);
      expect(upstream.requests).toEqual([4, 4]);
    });

    it('fails by default when a buffer closes with no demand, cancelling upstream', () => {
      const { clock, upstream, s } = setup(1);
      upstream.next(1);
      clock.advanceTo(10); // [1] goes out, using the only request; 2 items were requested for it and are still owed
      upstream.next(2);
      clock.advanceTo(20);
      expect(s.log.slice(3)).toEqual([
        '10: next(1)', '20: up.cancel',
        '20: error(Error: bufferTime: a buffer of 1 items closed with no outstanding demand; request a buffer ahead, ' +
          "or pass onOverflow: 'drop' to discard and count such buffers)",
      ]);
      expect(s.violations).toEqual([]);
    });

    it("drops and counts the items of a buffer that closes with no demand, with onOverflow: 'drop'", () => {
      const { clock, upstream, s } = setup(1, 3, { onOverflow: 'drop' });
      upstream.next(1);
      clock.advanceTo(10);
      upstream.next(2, 3);
      clock.advanceTo(20);
      expect(snapshot(s)).toMatchObject({ received: 3, emitted: 1, dropped: 2, buffered: 0, upstreamRequested: 0 });
      s.request(1);
      expect(upstream.requests).toEqual([3, 3]);
      upstream.next(4, 5, 6);
      expect(s.values).toEqual([[1], [4, 5, 6]]);
      expect(s.violations).toEqual([]);
    });

    it('keeps buffered + upstreamRequested within maxCount through a long synchronous run', () => {
      const clock = new VirtualTimeScheduler();
      let broken = 0;
      const s: TestSubscriber<number[]> = new TestSubscriber<number[]>({
        initialRequest: 2,
        onNext: (_, sub) => {
          const snap = snapshot(sub);
          if (snap.buffered + snap.upstreamRequested > 5) broken++;
          sub.request(1);
        },
      });
      range(0, 1000).pipe(bufferTime(10, 5, { scheduler: clock })).subscribe(s);
      expect(s.count).toBe(200);
      expect(s.completed).toBe(true);
      expect(broken).toBe(0);
      expect(s.maxOnNextDepth).toBe(1);
    });

    it('never emits unrequested, never holds more than maxCount, and accounts for every item over 300 scripts', () => {
      let seed = 4242;
      const random = (bound: number) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % bound;
      };
      const problems: string[] = [];
      for (let run = 0; run < 300; run++) {
        const maxCount = 1 + random(5);
        const clock = new VirtualTimeScheduler();
        const upstream = new TestPublisher<number>();
        const s = new TestSubscriber<number[]>();
        bufferTime<number>(10, maxCount, { scheduler: clock, onOverflow: 'drop' })(upstream).subscribe(s);
        let sent = 0;
        for (let step = 0; step < 40; step++) {
          const action = random(4);
          if (action === 0) s.request(1 + random(3));
          else if (action === 1 && upstream.outstanding > 0) upstream.next(sent++);
          else clock.advanceBy(random(12));
          const snap = snapshot(s);
          if (snap.buffered > maxCount) problems.push(`run ${run}: ${snap.buffered} buffered > ${maxCount}`);
          if (snap.buffered + snap.upstreamRequested > maxCount) problems.push(`run ${run}: buffered + upstreamRequested > ${maxCount}`);
          if (snap.received !== snap.emitted + snap.dropped + snap.buffered) problems.push(`run ${run}: items unaccounted`);
        }
        if (s.values.some((b) => b.length === 0 || b.length > maxCount)) problems.push(`run ${run}: a buffer of a bad size`);
        if (s.values.flat().some((v, i, all) => i > 0 && v <= all[i - 1]!)) problems.push(`run ${run}: out of order`);
        problems.push(...s.violations.map((v) => `run ${run}: ${v}`));
      }
      expect(problems).toEqual([]);
    });
  });

  describe('errors', () => {
    it('signals an upstream error at once and discards the open buffer', () => {
      const { clock, upstream, s } = setup('unbounded');
      upstream.next(1);
      upstream.error(new Error('boom'));
      expect(s.log.slice(3)).toEqual(['0: error(Error: boom)']);
      expect(clock.pending).toBe(0);
    });

    it('cancels upstream and signals §1.1 when upstream delivers beyond the request', () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>({ allow: { overDelivery: true } });
      const s = new TestSubscriber<number[]>(1);
      const reported = captureReportedErrors();
      try {
        bufferTime<number>(10, 2, { scheduler: clock })(upstream).subscribe(s);
        upstream.next(1, 2, 3);
        expect(s.error?.message).toMatch(/^§1\.1:/);
        expect(upstream.cancelled).toBe(true);
      } finally {
        reported.restore();
      }
    });

    it('rejects bad arguments at assembly', () => {
      expect(() => bufferTime(0, 3)).toThrow(RangeError);
      expect(() => bufferTime(10, 0)).toThrow(RangeError);
      expect(() => bufferTime(10, 1.5)).toThrow(RangeError);
      expect(() => bufferTime(10, 3, { onOverflow: 'block' as never })).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it("withdraws the buffer's timer and cancels upstream", () => {
      const { clock, upstream, s } = setup('unbounded');
      upstream.next(1);
      expect(clock.pending).toBe(1);
      s.cancel();
      expect(clock.pending).toBe(0);
      expect(upstream.cancelled).toBe(true);
      expect(s.log.slice(-2)).toEqual(['0: cancel', '0: up.cancel']);
    });

    it('releases the subscriber while a buffer waits for its time (§3.13)', async () => {
      const clock = new VirtualTimeScheduler();
      const upstream = new TestPublisher<number>();
      const ref = (() => {
        const s = new TestSubscriber<number[]>('unbounded');
        bufferTime<number>(10, 3, { scheduler: clock })(upstream).subscribe(s);
        upstream.next(1);
        s.cancel();
        upstream.subscriber = null;
        return new WeakRef(s);
      })();
      expect(await isCollected(ref)).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('completes without a buffer for an empty source', () => {
      const s = new TestSubscriber<number[]>(1);
      range(0, 0).pipe(bufferTime(10, 3, { scheduler: new VirtualTimeScheduler() })).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'complete']);
    });

    it('holds the last partial buffer until requested, then completes (completion is not time)', () => {
      const { clock, upstream, s } = setup(1);
      upstream.next(1);
      clock.advanceTo(10); // [1] uses the only request; 2 more items are still owed
      upstream.next(2);
      upstream.complete();
      expect(s.completed).toBe(false);
      expect(snapshot(s)).toMatchObject({ buffered: 1, requested: 0, dropped: 0 });
      s.request(1);
      expect(s.log.slice(-3)).toEqual(['10: request(1)', '10: next(2)', '10: complete']);
      expect(clock.pending).toBe(0);
    });

    it('with maxCount 1 emits each item as its own buffer, never waiting for time', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number[]>('unbounded');
      range(0, 3).pipe(bufferTime(10, 1, { scheduler: clock })).subscribe(s);
      expect(s.values).toEqual([[0], [1], [2]]);
      expect(s.completed).toBe(true);
    });
  });
});
