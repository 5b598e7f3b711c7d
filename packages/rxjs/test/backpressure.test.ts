import { Flow, OverflowError, range } from '@sluice/core';
import { TestPublisher } from '@sluice/core/testing';
import { lastValueFrom, of, range as rxRange, Subject, tap, timer, toArray, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { backpressure } from '../src/backpressure';
import { toObservable } from '../src/toObservable';

/** A Flow over a TestPublisher, so every request(n) the bridge makes is recorded. */
const recorded = (upstream: TestPublisher<number>) => new Flow<number>((s) => upstream.subscribe(s));

describe('backpressure', () => {
  describe('behaviour', () => {
    it('maps every value through its inner Observable, like mergeMap', async () => {
      const values = await lastValueFrom(rxRange(0, 5).pipe(backpressure((x) => of(x * 10)), toArray()));
      expect(values).toEqual([0, 10, 20, 30, 40]);
    });

    it('accepts promises and arrays as inners', async () => {
      const values = await lastValueFrom(toObservable(range(1, 3)).pipe(backpressure(async (x) => x + 1), toArray()));
      expect(values.sort()).toEqual([2, 3, 4]);
    });

    it('runs at most concurrency inners at once, in virtual time (TestScheduler)', () => {
      new TestScheduler((a, e) => expect(a).toEqual(e)).run(({ cold, expectObservable }) => {
        const source = cold('(abcd|)');
        const result = source.pipe(backpressure((x) => cold('5ms (y|)', { y: x.toUpperCase() }), { concurrency: 2 }));
        expectObservable(result).toBe('5ms (AB) 1ms (CD|)'); // a group takes as many frames as it has characters
      });
    });
  });

  describe('demand', () => {
    it('pulls a sluice-backed source only as fast as inners complete', () => {
      const upstream = new TestPublisher<number>();
      const inners: Subject<number>[] = [];
      const seen: number[] = [];
      toObservable(recorded(upstream), { prefetch: 64 })
        .pipe(backpressure((x) => { const inner = new Subject<number>(); inners.push(inner); return inner.pipe(map(() => x)); }, { concurrency: 2 }))
        .subscribe((x) => seen.push(x));
      expect(upstream.requests).toEqual([2]); // the prefetch of toObservable is not used: the Flow is pulled directly
      upstream.next(1, 2);
      expect(inners.length).toBe(2);
      inners[0]!.next(0);
      inners[0]!.complete();
      expect(upstream.requests).toEqual([2, 1]);
      upstream.next(3);
      inners[1]!.complete();
      inners[2]!.complete();
      expect(upstream.requests).toEqual([2, 1, 1, 1]);
      expect(seen).toEqual([1]);
    });

    it('pulls a synchronous sluice source of 100,000 items with synchronous inners without growing the stack', async () => {
      let count = 0;
      await lastValueFrom(toObservable(range(0, 100_000)).pipe(backpressure((x) => of(x), { concurrency: 3 }), tap(() => count++)), { defaultValue: 0 });
      expect(count).toBe(100_000);
    });

    it("bounds the waiting values of any other Observable and fails past capacity with 'error'", () => {
      const subject = new Subject<number>();
      let error: unknown = null;
      subject.pipe(backpressure(() => new Subject<number>(), { concurrency: 1, capacity: 2 })).subscribe({ error: (e) => { error = e; } });
      subject.next(1); // running
      subject.next(2);
      subject.next(3); // two waiting
      expect(error).toBe(null);
      subject.next(4);
      expect(error).toBeInstanceOf(OverflowError);
      expect((error as Error).message).toContain('capacity 2 is full with 3 items pending');
      expect((error as Error).message).not.toContain('block'); // backpressure rejects 'block'
      expect(subject.observed).toBe(false);
    });

    it("drops newest values past capacity with 'drop-newest' and runs the waiting ones as slots free", () => {
      const subject = new Subject<number>();
      const inners: Subject<number>[] = [];
      const started: number[] = [];
      const dropped: number[] = [];
      subject.pipe(backpressure((x) => { started.push(x); const i = new Subject<number>(); inners.push(i); return i; },
        { concurrency: 1, capacity: 2, overflow: 'drop-newest', onDrop: (x) => dropped.push(x) })).subscribe();
      for (let i = 1; i <= 6; i++) subject.next(i);
      expect(started).toEqual([1]);
      expect(dropped).toEqual([4, 5, 6]);
      inners[0]!.complete();
      inners[1]!.complete();
      expect(started).toEqual([1, 2, 3]);
    });
  });

  describe('errors', () => {
    it('errors when project throws, and unsubscribes the source', () => {
      const subject = new Subject<number>();
      let error: unknown = null;
      subject.pipe(backpressure(() => { throw new Error('project'); })).subscribe({ error: (e) => { error = e; } });
      subject.next(1);
      expect((error as Error).message).toBe('project');
      expect(subject.observed).toBe(false);
    });

    it('cancels the sluice source when an inner errors', () => {
      const upstream = new TestPublisher<number>();
      const seen: string[] = [];
      toObservable(recorded(upstream)).pipe(backpressure(() => timer(0).pipe(map(() => { throw new Error('inner'); }))))
        .subscribe({ error: (e) => seen.push((e as Error).message) });
      return new Promise<void>((resolve) => {
        upstream.next(1);
        setTimeout(() => {
          expect(seen).toEqual(['inner']);
          expect(upstream.cancelled).toBe(true);
          resolve();
        }, 5);
      });
    });

    it('validates its options at assembly time', () => {
      expect(() => backpressure(null as never)).toThrow(TypeError);
      expect(() => backpressure((x) => of(x), { concurrency: 0 })).toThrow(RangeError);
      expect(() => backpressure((x) => of(x), { overflow: 'block' as never })).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels the sluice source and every running inner on unsubscribe', () => {
      const upstream = new TestPublisher<number>();
      const inner = new Subject<number>();
      const subscription = toObservable(recorded(upstream)).pipe(backpressure(() => inner)).subscribe();
      upstream.next(1);
      expect(inner.observed).toBe(true);
      subscription.unsubscribe();
      expect(upstream.cancelled).toBe(true);
      expect(inner.observed).toBe(false);
    });
  });

  describe('empty and edge cases', () => {
    it('completes for an empty source', async () => {
      expect(await lastValueFrom(toObservable(range(0, 0)).pipe(backpressure((x: number) => of(x)), toArray()))).toEqual([]);
    });

    it('waits for the running inners before completing', () => {
      const subject = new Subject<number>();
      const inner = new Subject<number>();
      let completed = false;
      subject.pipe(backpressure(() => inner)).subscribe({ complete: () => { completed = true; } });
      subject.next(1);
      subject.complete();
      expect(completed).toBe(false);
      inner.complete();
      expect(completed).toBe(true);
    });
  });
});

