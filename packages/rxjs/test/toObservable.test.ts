import { Flow, range, type Subscription } from '@sluice/core';
import { TestPublisher, captureReportedErrors } from '@sluice/core/testing';
import { from, take, toArray, lastValueFrom, Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { toObservable } from '../src/toObservable';

/** A range that records every request(n) and cancel it receives. */
function recorded(count: number, log: string[]): Flow<number> {
  return new Flow<number>((subscriber) => {
    range(0, count).subscribe({
      onSubscribe: (subscription: Subscription) =>
        subscriber.onSubscribe({
          request: (n) => { log.push(`request(${n})`); subscription.request(n); },
          cancel: () => { log.push('cancel'); subscription.cancel(); },
        }),
      onNext: (x) => { log.push(`next(${x})`); subscriber.onNext(x); },
      onError: (e) => subscriber.onError(e),
      onComplete: () => { log.push('complete'); subscriber.onComplete(); },
    });
  });
}

describe('toObservable', () => {
  describe('behaviour', () => {
    it('pushes every item of the Flow, then completes', async () => {
      expect(await lastValueFrom(toObservable(range(1, 5)).pipe(toArray()))).toEqual([1, 2, 3, 4, 5]);
    });

    it('makes a Flow usable by RxJS from() through Symbol.observable', async () => {
      expect(await lastValueFrom(from(range(1, 3)).pipe(toArray()))).toEqual([1, 2, 3]);
    });

    it('passes the Flow error to the observer', () => {
      const upstream = new TestPublisher<number>();
      const seen: unknown[] = [];
      toObservable(upstream).subscribe({ next: (x) => seen.push(x), error: (e) => seen.push((e as Error).message) });
      upstream.next(1);
      upstream.error(new Error('boom'));
      expect(seen).toEqual([1, 'boom']);
    });
  });

  describe('demand', () => {
    it('requests the prefetch, then 75% of it each time that many items were pushed', () => {
      const log: string[] = [];
      toObservable(recorded(10, log), { prefetch: 4 }).subscribe((x) => log.push(`observer(${x})`));
      expect(log.filter((e) => e.startsWith('request'))).toEqual(['request(4)', 'request(3)', 'request(3)', 'request(3)']);
      expect(log.slice(0, 9)).toEqual([
        'request(4)', 'next(0)', 'observer(0)', 'next(1)', 'observer(1)', 'next(2)', 'observer(2)', 'request(3)', 'next(3)',
      ]);
    });

    it('never has more than the prefetch outstanding on a slow, asynchronous source', () => {
      const upstream = new TestPublisher<number>();
      toObservable(upstream, { prefetch: 8 }).subscribe(() => {});
      expect(upstream.requests).toEqual([8]);
      for (let i = 0; i < 6; i++) upstream.next(i);
      expect(upstream.requests).toEqual([8, 6]);
      expect(upstream.outstanding).toBe(8);
    });

    it('uses a prefetch of 256 by default, also through from()', () => {
      const upstream = new TestPublisher<number>();
      from(new Flow<number>((s) => upstream.subscribe(s))).subscribe(() => {});
      expect(upstream.requests).toEqual([256]);
      toObservable(upstream).subscribe(() => {});
      expect(upstream.requests).toEqual([256, 256]);
    });
  });

  describe('errors', () => {
    it('validates the prefetch at assembly time', () => {
      expect(() => toObservable(range(0, 1), { prefetch: 0 })).toThrow(RangeError);
      expect(() => toObservable(null as never)).toThrow(TypeError);
    });

    it('cancels the Flow and reports when a plain observer throws', () => {
      const upstream = new TestPublisher<number>();
      const reported = captureReportedErrors();
      try {
        const interop = (range(0, 0) as unknown as { '@@observable'(): { subscribe(o: unknown): unknown } })['@@observable'];
        expect(typeof interop).toBe('function');
        const flow = new Flow<number>((s) => upstream.subscribe(s));
        flow['@@observable']().subscribe({ next: () => { throw new Error('observer'); } });
        upstream.next(1);
        expect(upstream.cancelled).toBe(true);
        expect(reported.errors.map((e) => (e as Error).message)).toEqual(['observer']);
      } finally {
        reported.restore();
      }
    });
  });

  describe('cancellation', () => {
    it('cancels the Flow on unsubscribe', () => {
      const upstream = new TestPublisher<number>();
      const subscription = toObservable(upstream).subscribe(() => {});
      subscription.unsubscribe();
      expect(upstream.cancelled).toBe(true);
    });

    it('stops an infinite synchronous Flow when take() is satisfied mid-burst', async () => {
      const log: string[] = [];
      const values = await lastValueFrom(toObservable(recorded(Infinity, log), { prefetch: 16 }).pipe(take(3), toArray()));
      expect(values).toEqual([0, 1, 2]);
      expect(log).toEqual(['request(16)', 'next(0)', 'next(1)', 'next(2)', 'cancel']);
    });

    it('stops an infinite synchronous Flow read with from() and take()', async () => {
      expect(await lastValueFrom(from(range(0, Infinity)).pipe(take(2), toArray()))).toEqual([0, 1]);
    });
  });

  describe('empty and edge cases', () => {
    it('completes at once for an empty Flow', () => {
      let completed = false;
      toObservable(range(0, 0)).subscribe({ complete: () => { completed = true; } });
      expect(completed).toBe(true);
    });

    it('requests unbounded with prefetch Infinity', () => {
      const upstream = new TestPublisher<number>();
      toObservable(upstream, { prefetch: Infinity }).subscribe(() => {});
      expect(upstream.requests).toEqual([Number.MAX_SAFE_INTEGER]);
    });

    it('is cold: each subscription subscribes to the Flow anew', () => {
      const observable: Observable<number> = toObservable(range(0, 2));
      const a: number[] = [];
      const b: number[] = [];
      observable.subscribe((x) => a.push(x));
      observable.subscribe((x) => b.push(x));
      expect([a, b]).toEqual([[0, 1], [0, 1]]);
    });
  });
});
