import { describe, expect, it } from 'vitest';
import { Flow } from '../../src/Flow';
import { subscribeObserver, observableKey } from '../../src/sinks/subscribeObserver';
import { range } from '../../src/sources/range';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';

const over = <T>(upstream: TestPublisher<T>) => new Flow<T>((s) => upstream.subscribe(s));

describe('subscribeObserver', () => {
  describe('behaviour', () => {
    it('pushes every item, then completes', () => {
      const log: string[] = [];
      subscribeObserver(range(1, 3), { next: (x) => log.push(`next(${x})`), complete: () => log.push('complete') });
      expect(log).toEqual(['next(1)', 'next(2)', 'next(3)', 'complete']);
    });

    it("makes every Flow an interop Observable under '@@observable' (and Symbol.observable where it exists)", () => {
      const interop = range(0, 2)['@@observable']();
      expect((interop as unknown as Record<string, () => unknown>)['@@observable']!()).toBe(interop);
      expect(typeof (Flow.prototype as unknown as Record<PropertyKey, unknown>)[observableKey]).toBe('function');
      const seen: number[] = [];
      interop.subscribe((x) => seen.push(x));
      expect(seen).toEqual([0, 1]);
    });
  });

  describe('demand', () => {
    it('requests the prefetch, then 75% of it each time that many were pushed', () => {
      const upstream = new TestPublisher<number>();
      subscribeObserver(over(upstream), () => {}, { prefetch: 8 });
      expect(upstream.requests).toEqual([8]);
      upstream.next(1, 2, 3, 4, 5);
      expect(upstream.requests).toEqual([8]);
      upstream.next(6);
      expect(upstream.requests).toEqual([8, 6]);
      expect(upstream.outstanding).toBe(8);
    });
  });

  describe('errors', () => {
    it('passes onError to observer.error, and reports it when the observer has no error method', () => {
      const upstream = new TestPublisher<number>();
      const seen: string[] = [];
      subscribeObserver(over(upstream), { error: (e) => seen.push((e as Error).message) });
      upstream.error(new Error('boom'));
      expect(seen).toEqual(['boom']);
      const reported = captureReportedErrors();
      try {
        const other = new TestPublisher<number>();
        subscribeObserver(over(other), () => {});
        other.error(new Error('unhandled'));
        expect(reported.errors.map((e) => (e as Error).message)).toEqual(['unhandled']);
      } finally {
        reported.restore();
      }
    });

    it('cancels and reports when the observer throws', () => {
      const upstream = new TestPublisher<number>();
      const reported = captureReportedErrors();
      try {
        subscribeObserver(over(upstream), () => { throw new Error('observer'); });
        upstream.next(1);
        expect(upstream.cancelled).toBe(true);
        expect(reported.errors.map((e) => (e as Error).message)).toEqual(['observer']);
      } finally {
        reported.restore();
      }
    });

    it('validates the prefetch', () => {
      expect(() => subscribeObserver(range(0, 1), () => {}, { prefetch: 0 })).toThrow(RangeError);
    });
  });

  describe('cancellation', () => {
    it('cancels on unsubscribe and drops items in flight', () => {
      const upstream = new TestPublisher<number>({ allow: { ignoreCancel: true } });
      const seen: number[] = [];
      const handle = subscribeObserver(over(upstream), (x) => seen.push(x));
      handle.unsubscribe();
      expect(handle.closed).toBe(true);
      expect(upstream.cancelled).toBe(true);
    });

    it('stops a synchronous source as soon as the observer reports closed', () => {
      const seen: number[] = [];
      const observer = { closed: false, next: (x: number) => { seen.push(x); if (x === 2) observer.closed = true; } };
      subscribeObserver(range(0, Infinity), observer, { prefetch: 16 });
      expect(seen).toEqual([0, 1, 2]);
    });
  });

  describe('empty and edge cases', () => {
    it('completes at once for an empty source', () => {
      let completed = false;
      subscribeObserver(range(0, 0), { complete: () => { completed = true; } });
      expect(completed).toBe(true);
    });
  });
});
