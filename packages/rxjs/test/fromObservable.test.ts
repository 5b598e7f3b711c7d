import { OverflowError, type StageSnapshot, type Subscription } from '@sluice/core';
import { TestSubscriber } from '@sluice/core/testing';
import { Observable, of, range, Subject, tap, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { sourceContract } from '../../core/test/contract/sourceContract';
import { fromObservable, type FromObservableOptions } from '../src/fromObservable';

const inspect = (s: TestSubscriber<any>): StageSnapshot =>
  (s.subscription as Subscription & { inspect(): StageSnapshot }).inspect();

/**
 * A synchronous Observable of `total` items into a consumer that requested 10 up front and then 1 at a time:
 * the depth is inspected before every item the Observable pushes, and after every step of the consumer.
 */
function floodSlowConsumer(total: number, options: FromObservableOptions<number>) {
  const s = new TestSubscriber<number>(10);
  s.recordLog = false;
  let maxDepth = 0;
  let pushed = 0;
  const observe = () => {
    if (s.subscription === null) return;
    maxDepth = Math.max(maxDepth, inspect(s).buffered);
  };
  fromObservable(range(0, total).pipe(tap(() => { pushed++; observe(); })), options).subscribe(s);
  observe();
  const afterBurst = inspect(s);
  while (!s.terminated) {
    s.request(1);
    observe();
  }
  return { s, maxDepth, pushed, afterBurst, final: inspect(s) };
}

describe('fromObservable', () => {
  sourceContract('fromObservable', (n) => fromObservable(range(0, n)));

  describe('behaviour', () => {
    it('emits the Observable items in order, then completes', () => {
      const s = new TestSubscriber<string>('unbounded');
      fromObservable(of('a', 'b', 'c')).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(a)', 'next(b)', 'next(c)', 'complete']);
    });

    it('accepts anything RxJS from() accepts, such as an array', () => {
      const s = new TestSubscriber<number>('unbounded');
      fromObservable([1, 2]).subscribe(s);
      expect(s.values).toEqual([1, 2]);
      expect(s.completed).toBe(true);
    });

    it('delivers completion after the buffered items, without waiting for more demand', () => {
      const s = new TestSubscriber<number>(1);
      fromObservable(of(1, 2, 3)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(1)']);
      s.request(2);
      expect(s.log.slice(3)).toEqual(['request(2)', 'next(2)', 'next(3)', 'complete']);
    });

    it('delivers the Observable error after the buffered items', () => {
      const subject = new Subject<number>();
      const s = new TestSubscriber<number>(1);
      fromObservable(subject).subscribe(s);
      subject.next(1);
      subject.next(2);
      subject.error(new Error('boom'));
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(1)']);
      s.request(1);
      expect(s.log.slice(3)).toEqual(['request(1)', 'next(2)', 'error(Error: boom)']);
      expect(s.violations).toEqual([]);
    });
  });

  describe('demand', () => {
    it('lets items leave the buffer only against request(n), and inspects depth, demand and counts', () => {
      const subject = new Subject<number>();
      const s = new TestSubscriber<number>();
      fromObservable(subject, { capacity: 4 }).subscribe(s);
      subject.next(1);
      subject.next(2);
      subject.next(3);
      expect(s.count).toBe(0);
      expect(inspect(s)).toEqual({
        stage: 'fromObservable', capacity: 4, buffered: 3, requested: 0, upstreamRequested: Infinity,
        received: 3, emitted: 0, dropped: 0, terminated: false, cancelled: false,
      });
      s.request(2);
      expect(s.values).toEqual([1, 2]);
      expect(inspect(s)).toMatchObject({ buffered: 1, requested: 0, emitted: 2 });
    });

    it("with 'error', fails after the buffered items with an OverflowError naming the capacity, and stops a 1,000,000-item synchronous Observable at once", () => {
      const { s, maxDepth, pushed, afterBurst, final } = floodSlowConsumer(1_000_000, { capacity: 1000 });
      expect(maxDepth).toBeLessThanOrEqual(1000);
      expect(pushed).toBe(1011); // 10 delivered, 1000 buffered, the 1011th overflowed and the source was unsubscribed
      expect(afterBurst).toMatchObject({ buffered: 1000, received: 1011, emitted: 10, dropped: 0, terminated: true });
      expect(s.values).toEqual(Array.from({ length: 1010 }, (_, i) => i));
      expect(s.error).toBeInstanceOf(OverflowError);
      expect(s.error?.message).toContain('capacity 1000 is full with 1001 items pending');
      expect((s.error as OverflowError).capacity).toBe(1000);
      // the advice names only strategies fromObservable accepts ('block' is rejected with a TypeError, below)
      expect(s.error?.message).toContain("choose an overflow strategy ('drop-newest', 'drop-oldest', 'latest')");
      expect(s.error?.message).not.toContain('block');
      expect(final).toMatchObject({ buffered: 0, emitted: 1010, dropped: 0 });
      expect(s.violations).toEqual([]);
    });

    it("with 'drop-newest', keeps the first items and counts exactly the dropped ones", () => {
      const dropped: number[] = [];
      const { s, maxDepth, pushed, final } = floodSlowConsumer(1_000_000, {
        capacity: 1000, overflow: 'drop-newest', onDrop: (x) => { if (dropped.length < 2) dropped.push(x); },
      });
      expect(maxDepth).toBeLessThanOrEqual(1000);
      expect(pushed).toBe(1_000_000);
      expect(s.values).toEqual(Array.from({ length: 1010 }, (_, i) => i));
      expect(s.completed).toBe(true);
      expect(final.dropped).toBe(1_000_000 - 1010);
      expect(dropped).toEqual([1010, 1011]);
      expect(s.violations).toEqual([]);
    });

    it("with 'drop-oldest', keeps the newest capacity items and counts exactly the dropped ones", () => {
      const { s, maxDepth, final } = floodSlowConsumer(1_000_000, { capacity: 1000, overflow: 'drop-oldest' });
      expect(maxDepth).toBeLessThanOrEqual(1000);
      expect(s.values).toEqual([
        ...Array.from({ length: 10 }, (_, i) => i),
        ...Array.from({ length: 1000 }, (_, i) => 999_000 + i),
      ]);
      expect(final.dropped).toBe(1_000_000 - 1010);
      expect(s.completed).toBe(true);
    });

    it("with 'latest' (capacity 1), keeps the requested items plus the very last one and counts exactly the replaced ones", () => {
      const { s, maxDepth, final } = floodSlowConsumer(1_000_000, { overflow: 'latest' });
      expect(maxDepth).toBe(1);
      expect(s.values).toEqual([...Array.from({ length: 10 }, (_, i) => i), 999_999]);
      expect(final.dropped).toBe(1_000_000 - 11);
      expect(s.completed).toBe(true);
    });
  });

  describe('errors', () => {
    it('fails with a §2.13 TypeError when the Observable emits undefined', () => {
      const s = new TestSubscriber<unknown>('unbounded');
      fromObservable(of(1, undefined, 3)).subscribe(s);
      expect(s.values).toEqual([1]);
      expect(s.error).toBeInstanceOf(TypeError);
      expect(s.error?.message).toMatch(/^§2\.13:/);
    });

    it('fails at once and unsubscribes when onDrop throws', () => {
      const subject = new Subject<number>();
      const s = new TestSubscriber<number>();
      fromObservable(subject, { capacity: 1, overflow: 'drop-newest', onDrop: () => { throw new Error('onDrop'); } }).subscribe(s);
      subject.next(1);
      subject.next(2);
      expect(s.log).toEqual(['subscribe', 'error(Error: onDrop)']);
      expect(subject.observed).toBe(false);
    });

    it('delivers an Observable that fails on subscribe without any demand', () => {
      const s = new TestSubscriber<number>();
      fromObservable(throwError(() => new Error('nope'))).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'error(Error: nope)']);
    });

    it('validates its options at assembly time', () => {
      expect(() => fromObservable(of(1), { capacity: 0 })).toThrow(RangeError);
      expect(() => fromObservable(of(1), { overflow: 'block' as never })).toThrow(TypeError);
      expect(() => fromObservable(of(1), { onDrop: 3 as never })).toThrow(TypeError);
      expect(() => fromObservable(null as never)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('unsubscribes from the Observable on cancel', () => {
      let unsubscribed = 0;
      const source = new Observable<number>(() => () => { unsubscribed++; });
      const s = new TestSubscriber<number>(1);
      fromObservable(source).subscribe(s);
      s.cancel();
      expect(unsubscribed).toBe(1);
      expect(inspect(s)).toMatchObject({ cancelled: true, upstreamRequested: 0 });
    });

    it('stops a synchronous Observable in the middle of its burst when cancelled from onNext', () => {
      let pushed = 0;
      const s = new TestSubscriber<number>({ initialRequest: 'unbounded', onNext: (x, sub) => { if (x === 4) sub.cancel(); } });
      fromObservable(range(0, 1_000_000).pipe(tap(() => pushed++))).subscribe(s);
      expect(s.values).toEqual([0, 1, 2, 3, 4]);
      expect(pushed).toBe(5);
    });

    it('releases the subscriber while a long-lived Subject stays alive (§3.13)', async () => {
      const subject = new Subject<number>();
      const ref = (() => {
        const s = new TestSubscriber<number>(1);
        fromObservable(subject).subscribe(s);
        subject.next(1);
        s.cancel();
        return new WeakRef(s);
      })();
      for (let i = 0; i < 3; i++) {
        await new Promise((resolve) => setImmediate(resolve));
        (globalThis as { gc?: () => void }).gc!();
      }
      expect(ref.deref()).toBe(undefined);
      expect(subject.observed).toBe(false);
    });

    it('never subscribes to the Observable when cancelled inside onSubscribe', () => {
      const subject = new Subject<number>();
      const s = new TestSubscriber<number>({ onSubscribe: (sub) => sub.cancel() });
      fromObservable(subject).subscribe(s);
      expect(subject.observed).toBe(false);
    });
  });

  describe('empty and edge cases', () => {
    it('completes an empty Observable without any request', () => {
      const s = new TestSubscriber<number>();
      fromObservable(of<number>()).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('is cold: each subscription subscribes to the Observable anew', () => {
      const a = new TestSubscriber<number>('unbounded');
      const b = new TestSubscriber<number>('unbounded');
      const flow = fromObservable(of(1, 2));
      flow.subscribe(a);
      flow.subscribe(b);
      expect(a.values).toEqual([1, 2]);
      expect(b.values).toEqual([1, 2]);
    });
  });
});
