import { describe, expect, it } from 'vitest';
import { map } from '../../src/operators/map';
import { range } from '../../src/sources/range';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';

describe('map', () => {
  operatorContract('map', {
    apply: (source) => map((x: number) => x * 2)(source),
    applyThrowing: (source) =>
      map(() => {
        throw new Error('mapper failed');
      })(source),
  });

  describe('behaviour', () => {
    it('applies the mapper to each item with its index', () => {
      const s = new TestSubscriber<string>('unbounded');
      range(1, 3).pipe(map((x, i) => `${i}:${x * 10}`)).subscribe(s);
      expect(s.values).toEqual(['0:10', '1:20', '2:30']);
      expect(s.completed).toBe(true);
    });
  });

  describe('demand', () => {
    it('passes each request upstream unchanged', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      map((x: number) => x + 1)(upstream).subscribe(s);
      s.request(2);
      s.request(5);
      expect(upstream.requests).toEqual([2, 5]);
    });
  });

  describe('errors', () => {
    it('signals TypeError and cancels upstream when the mapper returns undefined', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<unknown>(1);
      map(() => undefined)(upstream).subscribe(s);
      upstream.next(1);
      expect(s.error).toBeInstanceOf(TypeError);
      expect(s.error?.message).toMatch(/^§2\.13: map: the mapper returned undefined/);
      expect(upstream.cancelled).toBe(true);
    });

    it('wraps a non-Error throw in an Error keeping the thrown value as cause', () => {
      const s = new TestSubscriber<unknown>(1);
      range(0, 3)
        .pipe(
          map(() => {
            throw 'plain string';
          }),
        )
        .subscribe(s);
      expect(s.error).toBeInstanceOf(Error);
      expect(s.error?.cause).toBe('plain string');
    });

    it('rejects a non-function mapper at assembly time', () => {
      expect(() => map(42 as never)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels upstream on cancel', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      map((x: number) => x)(upstream).subscribe(s);
      s.cancel();
      expect(upstream.cancelled).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('runs 10,000,000 synchronous items through a chain without stack growth', () => {
      const s = new TestSubscriber<number>('unbounded');
      s.recordLog = false;
      s.keepValues = false;
      range(0, 10_000_000).pipe(map((x) => x + 1), map((x) => x * 2)).subscribe(s);
      expect(s.count).toBe(10_000_000);
      expect(s.completed).toBe(true);
    });
  });
});
