import { OverflowError, range, type StageSnapshot, type Subscription } from '@sluice/core';
import { TestPublisher, TestSubscriber } from '@sluice/core/testing';
import {
  bufferCount, bufferTime, catchError, concatMap, debounceTime, delay, filter, finalize, map, mergeMap, of, retry, skip, take,
  throwError, timer, toArray, VirtualTimeScheduler,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { operatorContract } from '../../core/test/contract/operatorContract';
import { fromObservable } from '../src/fromObservable';
import { toObservable } from '../src/toObservable';
import { viaRx } from '../src/viaRx';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
const inspect = (s: TestSubscriber<any>): StageSnapshot => (s.subscription as Subscription & { inspect(): StageSnapshot }).inspect();

describe('viaRx', () => {
  operatorContract('viaRx(map)', {
    apply: (source) => viaRx(map((x: number) => x * 2))(source),
    applyThrowing: (source) => viaRx(map((): number => { throw new Error('mapper'); }))(source),
  });
  operatorContract('viaRx(filter)', {
    apply: (source) => viaRx(filter((x: number) => x % 2 === 0))(source),
    itemsPerOutput: 2,
    upstreamBound: (n) => n * 2 + 1,
  });

  describe('behaviour', () => {
    it('runs an RxJS operator inside a sluice pipeline', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(1, 3).pipe(viaRx(map((x: number) => x * 10))).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(10)', 'next(20)', 'next(30)', 'complete']);
    });

    it('lets catchError inside the operator handle an upstream error', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>('unbounded');
      viaRx<number, number>(catchError(() => of(-1)))(upstream).subscribe(s);
      upstream.next(1);
      upstream.error(new Error('boom'));
      expect(s.values).toEqual([1, -1]);
      expect(s.completed).toBe(true);
    });

    it('debounces in virtual time (TestScheduler)', () => {
      new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ cold, expectObservable }) => {
        const source = cold('ab 10ms c|');
        const flow = fromObservable(source).pipe(viaRx(debounceTime(5)));
        expectObservable(toObservable(flow)).toBe('6ms b 6ms (c|)');
      });
    });

    it('buffers by time in virtual time (TestScheduler), the last buffer on completion', () => {
      new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ cold, expectObservable }) => {
        const source = cold('abc 10ms d|');
        const flow = fromObservable(source).pipe(viaRx(bufferTime(5)));
        expectObservable(toObservable(flow)).toBe('5ms x 4ms y 3ms (z|)', { x: ['a', 'b', 'c'], y: [], z: ['d'] });
      });
    });
  });

  describe('demand', () => {
    it('pulls one upstream item per unit of downstream demand through a 1:1 operator', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(2);
      viaRx(map((x: number) => x + 1))(upstream).subscribe(s);
      // a probe of 1 (is the upstream synchronous?), then, as it is not, the rest of the demand
      expect(upstream.requests).toEqual([1, 1]);
      upstream.next(1, 2);
      expect(s.values).toEqual([2, 3]);
      expect(upstream.requests).toEqual([1, 1]);
      s.request(5);
      expect(upstream.requests).toEqual([1, 1, 1, 4]);
      expect(upstream.outstanding).toBe(5);
    });

    it('asks an asynchronous upstream for the rest of the credit at once', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(10);
      viaRx(map((x: number) => x))(upstream).subscribe(s);
      s.request(1);
      expect(upstream.requests).toEqual([1, 9, 1]);
      expect(upstream.outstanding).toBe(11);
      expect(inspect(s).upstreamRequested).toBe(11);
    });

    it('pulls a synchronous upstream one item at a time', () => {
      const log: string[] = [];
      const s = new TestSubscriber<number>(3);
      range(0, 10).pipe(viaRx(map((x: number) => { log.push(`op(${x})`); return x; }))).subscribe(s);
      expect(log).toEqual(['op(0)', 'op(1)', 'op(2)']);
      expect(inspect(s)).toMatchObject({ received: 3, emitted: 3, buffered: 0, upstreamRequested: 0 });
    });

    it('keeps pulling through a filtering operator until the demand is met', () => {
      const s = new TestSubscriber<number>(3);
      let pulled = 0;
      range(0, 1000).pipe(viaRx(filter((x: number) => { pulled++; return x % 10 === 0; }))).subscribe(s);
      expect(s.values).toEqual([0, 10, 20]);
      expect(pulled).toBe(21);
    });

    it('delivers all outputs of one input before the next enters an expanding operator', () => {
      const s = new TestSubscriber<string>('unbounded');
      range(0, 3).pipe(viaRx(concatMap((x: number) => of(`${x}a`, `${x}b`, `${x}c`)), { capacity: 3 })).subscribe(s);
      expect(s.values).toEqual(['0a', '0b', '0c', '1a', '1b', '1c', '2a', '2b', '2c']);
      expect(s.violations).toEqual([]);
    });

    it("holds an expanding operator to capacity: 'drop-newest' counts what it drops", () => {
      const s = new TestSubscriber<number>(1);
      range(0, 3).pipe(viaRx(mergeMap((x: number) => of(x, x, x, x, x)), { capacity: 2, overflow: 'drop-newest' })).subscribe(s);
      // the five outputs of 0 arrive in one synchronous burst: two fit, three are dropped, then one is delivered
      expect(inspect(s)).toMatchObject({ buffered: 1, dropped: 3, emitted: 1, received: 1 });
      s.request(Infinity);
      expect(s.values).toEqual([0, 0, 1, 1, 2, 2]);
      expect(inspect(s).dropped).toBe(9);
    });

    it("fails an expanding operator past capacity with 'error', after the buffered outputs", () => {
      const s = new TestSubscriber<number>(1);
      range(0, 3).pipe(viaRx(mergeMap((x: number) => of(x, x, x, x)), { capacity: 2 })).subscribe(s);
      expect(s.values).toEqual([0]);
      s.request(5);
      expect(s.values).toEqual([0, 0]);
      expect(s.error).toBeInstanceOf(OverflowError);
      expect(s.error?.message).toContain('capacity 2 is full with 3 items pending');
      expect(s.error?.message).not.toContain('block'); // viaRx rejects 'block'
    });

    it('bounds what a delaying operator holds with maxPending, stepping virtual time', async () => {
      const scheduler = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>('unbounded');
      range(0, 1000).pipe(viaRx(delay(10, scheduler), { maxPending: 5 })).subscribe(s);
      expect(inspect(s)).toMatchObject({ received: 5, upstreamRequested: 0 });
      for (let frame = 10; frame <= 60; frame += 10) {
        scheduler.maxFrames = frame;
        scheduler.flush();
        await settle();
        expect(inspect(s).received - s.count).toBeLessThanOrEqual(5);
        expect(s.count).toBe(frame / 2);
      }
      for (let frame = 70; !s.terminated; frame += 10) {
        scheduler.maxFrames = frame;
        scheduler.flush();
        await settle();
      }
      expect(s.count).toBe(1000);
      expect(s.completed).toBe(true);
    });

    it('counts a bufferTime array as the items it answers, so maxPending does not slow it down', async () => {
      const scheduler = new VirtualTimeScheduler();
      const s = new TestSubscriber<number[]>('unbounded');
      range(0, 20).pipe(viaRx(bufferTime(10, scheduler), { maxPending: 4 })).subscribe(s);
      expect(inspect(s).received).toBe(4);
      for (let frame = 10; !s.terminated && frame <= 100; frame += 10) {
        scheduler.maxFrames = frame;
        scheduler.flush();
        await settle();
        expect(s.values.at(-1)).toHaveLength(4);
        expect(inspect(s).received).toBe(Math.min(20, frame / 10 * 4 + 4));
      }
      expect(s.values.flat()).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(s.completed).toBe(true);
    });
  });

  // Issue 13 item 7: the default window used to be unbounded, so a queueing operator took in everything at once.
  describe('the default window (maxPending unset)', () => {
    it('holds at most capacity items inside concatMap(timer) for a downstream asking 16, and delivers them all in order', async () => {
      const scheduler = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>(16);
      range(0, 50_000).pipe(viaRx(concatMap((x: number) => timer(1, scheduler).pipe(map(() => x))))).subscribe(s);
      expect(inspect(s).received).toBe(256); // the capacity, not 50,000
      for (let frame = 1; frame <= 40; frame++) {
        scheduler.maxFrames = frame;
        scheduler.flush();
        await settle();
        expect(inspect(s).received - s.count).toBeLessThanOrEqual(256);
        if (s.count === 16 * Math.ceil(s.count / 16)) s.request(16);
      }
      expect(s.values).toEqual(Array.from({ length: s.count }, (_, i) => i));
      expect(s.count).toBeGreaterThan(16);
      expect(s.error).toBeNull();
    });

    it('keeps delay within capacity by default, so its late burst never overflows the output buffer', async () => {
      const scheduler = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>('unbounded');
      range(0, 2_000).pipe(viaRx(delay(10, scheduler), { capacity: 64 })).subscribe(s);
      expect(inspect(s).received).toBe(64);
      for (let frame = 10; !s.terminated && frame <= 1_000; frame += 10) {
        scheduler.maxFrames = frame;
        scheduler.flush();
        await settle();
        expect(inspect(s).received - s.count).toBeLessThanOrEqual(64);
      }
      expect(s.error).toBeNull(); // with the old unbounded default: OverflowError (2,000 outputs into capacity 64)
      expect(s.count).toBe(2_000);
      expect(s.completed).toBe(true);
    });

    it('does not stall a filter that rejects long runs once it has let an item through', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(0, 10_000).pipe(viaRx(filter((x: number) => x % 1_000 === 0), { capacity: 8 })).subscribe(s);
      expect(s.values).toEqual([0, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 9_000]);
      expect(s.completed).toBe(true);
    });

    it('lifts the window for an operator that keeps only the latest (debounceTime) after its first output', async () => {
      const scheduler = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>('unbounded');
      range(0, 5_000).pipe(viaRx(debounceTime(10, scheduler), { capacity: 16 })).subscribe(s);
      expect(inspect(s).received).toBe(16); // unknown yet: the window applies
      scheduler.maxFrames = 10;
      scheduler.flush();
      await settle();
      // 15 is the newest item while 0..14 were unanswered: it keeps only the latest, so the window is lifted and the
      // rest flows in at once (range completes, and debounceTime emits its last item on completion)
      expect(s.values).toEqual([15, 4_999]);
      expect(s.completed).toBe(true);
    });

    it('keeps the window for a delay over identical items (an equal value is not mistaken for "only the latest")', async () => {
      const scheduler = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>('unbounded');
      range(0, 500).pipe(viaRx(map(() => 7)), viaRx(delay(10, scheduler), { capacity: 16 })).subscribe(s);
      for (let frame = 10; !s.terminated && frame <= 1_000; frame += 10) {
        scheduler.maxFrames = frame;
        scheduler.flush();
        await settle();
        expect(inspect(s).received - s.count).toBeLessThanOrEqual(16);
      }
      expect([s.count, s.error, s.completed]).toEqual([500, null, true]);
    });

    it('waits at the window for an operator that needs more before its first output, until maxPending is raised', () => {
      const waiting = new TestSubscriber<number[]>('unbounded');
      range(0, 100).pipe(viaRx(bufferCount(50), { capacity: 8 })).subscribe(waiting);
      expect(inspect(waiting)).toMatchObject({ received: 8, upstreamRequested: 0 });
      expect(waiting.values).toEqual([]);
      const raised = new TestSubscriber<number[]>('unbounded');
      range(0, 100).pipe(viaRx(bufferCount(50), { capacity: 8, maxPending: 50 })).subscribe(raised);
      expect(raised.values.map((b) => b.length)).toEqual([50, 50]);
      expect(raised.completed).toBe(true);
      const skipped = new TestSubscriber<number>('unbounded');
      range(0, 100).pipe(viaRx(skip(90), { maxPending: Infinity })).subscribe(skipped);
      expect(skipped.count).toBe(10);
    });
  });

  describe('errors', () => {
    it('passes a resubscribing operator through while it does not resubscribe', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(0, 3).pipe(viaRx(retry(1))).subscribe(s);
      expect(s.values).toEqual([0, 1, 2]);
      expect(s.completed).toBe(true);
    });

    it('fails with a TypeError when the operator resubscribes its source', () => {
      const upstream = new TestPublisher<number>();
      const t = new TestSubscriber<number>('unbounded');
      viaRx<number, number>(retry(1))(upstream).subscribe(t);
      upstream.error(new Error('boom'));
      expect(t.error).toBeInstanceOf(TypeError);
      expect(t.error?.message).toContain('more than once');
    });

    it("delivers the operator's error after the buffered outputs and cancels upstream", () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      viaRx<number, number>(mergeMap((x) => (x < 3 ? of(x) : throwError(() => new Error('three')))))(upstream).subscribe(s);
      s.request(2);
      upstream.next(1);
      upstream.next(2);
      expect(s.values).toEqual([1, 2]);
      s.request(1);
      upstream.next(3);
      expect(upstream.cancelled).toBe(true);
      expect(s.log.at(-1)).toBe('error(Error: three)');
    });

    it('validates its arguments at assembly time', () => {
      expect(() => viaRx(null as never)).toThrow(TypeError);
      expect(() => viaRx(map((x) => x), { capacity: -1 })).toThrow(RangeError);
      expect(() => viaRx(map((x) => x), { overflow: 'block' as never })).toThrow(TypeError);
      expect(() => viaRx(map((x) => x), { maxPending: 0 })).toThrow(RangeError);
    });
  });

  describe('cancellation', () => {
    it('unsubscribes the operator and cancels upstream on cancel', () => {
      const upstream = new TestPublisher<number>();
      let finalized = 0;
      const s = new TestSubscriber<number>(1);
      viaRx<number, number>(finalize(() => finalized++))(upstream).subscribe(s);
      s.cancel();
      expect(finalized).toBe(1);
      expect(upstream.cancelled).toBe(true);
      expect(inspect(s).cancelled).toBe(true);
    });

    it('cancels upstream when the operator is done early (take)', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>('unbounded');
      viaRx<number, number>(take(2))(upstream).subscribe(s);
      upstream.next(1, 2);
      expect(upstream.cancelled).toBe(true);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(1)', 'next(2)', 'complete']);
    });

    it('clears pending timers on cancel', () => {
      const scheduler = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>('unbounded');
      range(0, 3).pipe(viaRx(delay(10, scheduler))).subscribe(s);
      s.cancel();
      scheduler.flush();
      expect(s.count).toBe(0);
    });
  });

  describe('empty and edge cases', () => {
    it('passes a whole-stream operator through (toArray)', () => {
      const s = new TestSubscriber<number[]>('unbounded');
      range(0, 4).pipe(viaRx(toArray())).subscribe(s);
      expect(s.values).toEqual([[0, 1, 2, 3]]);
      expect(s.completed).toBe(true);
    });

    it('emits what an operator emits on subscribe before any upstream item', () => {
      const s = new TestSubscriber<number>(1);
      range(5, 1).pipe(viaRx(map((x: number) => x))).subscribe(s);
      expect(s.values).toEqual([5]);
      s.request(1);
      expect(s.completed).toBe(true);
    });
  });
});
