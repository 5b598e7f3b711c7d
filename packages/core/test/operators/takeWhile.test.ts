import { describe, expect, it } from 'vitest';
import { map } from '../../src/operators/map';
import { takeWhile } from '../../src/operators/takeWhile';
import { range } from '../../src/sources/range';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { spyUpstream } from '../support/spyUpstream';

describe('takeWhile', () => {
  operatorContract('takeWhile', {
    apply: (source) => takeWhile((x: number) => x < 1_000)(source),
    applyThrowing: (source) =>
      takeWhile(() => {
        throw new Error('predicate failed');
      })(source),
  });

  describe('behaviour', () => {
    it('emits while the predicate holds, then cancels upstream and completes', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(1, 10).pipe((source) => spyUpstream(source, s.log), takeWhile((x: number) => x < 3)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'up.request(Infinity)', 'next(1)', 'next(2)', 'up.cancel', 'complete']);
    });

    it('also emits the failing item with inclusive: true', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(1, 10).pipe((source) => spyUpstream(source, s.log), takeWhile((x: number) => x < 3, { inclusive: true })).subscribe(s);
      expect(s.log).toEqual([
        'subscribe', 'request(Infinity)', 'up.request(Infinity)', 'next(1)', 'next(2)', 'up.cancel', 'next(3)', 'complete',
      ]);
    });

    it('passes the source index to the predicate and narrows with a type guard', () => {
      const s = new TestSubscriber<string>('unbounded');
      range(0, 5)
        .pipe(
          map((x): string | number => (x < 2 ? `s${x}` : x)),
          takeWhile((x, i): x is string => typeof x === 'string' && i < 5),
        )
        .subscribe(s);
      const values: string[] = s.values;
      expect(values).toEqual(['s0', 's1']);
    });
  });

  describe('demand', () => {
    it('passes each request upstream unchanged', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(2);
      takeWhile<number>(() => true)(upstream).subscribe(s);
      s.request(3);
      expect(upstream.requests).toEqual([2, 3]);
    });

    it('emits the inclusive item within the demand that delivered it', () => {
      const s = new TestSubscriber<number>(2);
      range(1, 10).pipe(takeWhile((x: number) => x < 2, { inclusive: true })).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(2)', 'next(1)', 'next(2)', 'complete']);
      expect(s.violations).toEqual([]);
    });
  });

  describe('errors', () => {
    it('cancels upstream and signals the error when the predicate throws', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(3);
      takeWhile((x: number) => {
        if (x > 1) throw new Error('too big');
        return true;
      })(upstream).subscribe(s);
      upstream.next(1, 2);
      expect(s.log).toEqual(['subscribe', 'request(3)', 'next(1)', 'error(Error: too big)']);
      expect(upstream.cancelled).toBe(true);
    });

    it('rejects a non-function predicate or bad options at assembly time', () => {
      expect(() => takeWhile(1 as never)).toThrow(TypeError);
      expect(() => takeWhile(() => true, null as never)).toThrow(TypeError);
      expect(() => takeWhile(() => true, { inclusive: 'yes' as never })).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('does not complete when downstream cancels inside the inclusive onNext', () => {
      const s = new TestSubscriber<number>({ initialRequest: 'unbounded', onNext: (x, sub) => x === 2 && sub.cancel() });
      range(1, 5).pipe(takeWhile((x: number) => x < 2, { inclusive: true })).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(1)', 'next(2)', 'cancel']);
      expect(s.violations).toEqual([]);
    });

    it('cancels upstream on cancel', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      takeWhile<number>(() => true)(upstream).subscribe(s);
      s.cancel();
      expect(upstream.cancelled).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('completes without items when the first item fails the predicate', () => {
      const s = new TestSubscriber<number>(1);
      range(5, 3).pipe(takeWhile((x: number) => x < 5)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'complete']);
    });

    it('completes with the source when every item passes', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(0, 3).pipe(takeWhile(() => true, { inclusive: true })).subscribe(s);
      expect(s.values).toEqual([0, 1, 2]);
      expect(s.completed).toBe(true);
    });
  });
});
