import { describe, expect, it } from 'vitest';
import { range } from '../../src/sources/range';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { sourceContract } from '../contract/sourceContract';

describe('range', () => {
  sourceContract('range', (n) => range(0, n));

  describe('behaviour', () => {
    it('emits count integers from start, then completes', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(5, 3).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(5)', 'next(6)', 'next(7)', 'complete']);
    });
  });

  describe('demand', () => {
    it('emits exactly what was requested, step by step', () => {
      const s = new TestSubscriber<number>();
      range(0, 5).subscribe(s);
      s.request(2);
      s.request(1);
      s.request(10);
      expect(s.log).toEqual([
        'subscribe', 'request(2)', 'next(0)', 'next(1)', 'request(1)', 'next(2)', 'request(10)', 'next(3)', 'next(4)', 'complete',
      ]);
      expect(s.violations).toEqual([]);
    });

    it('delivers 10,000,000 items requested one at a time from onNext without growing the stack', () => {
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      s.recordLog = false;
      s.keepValues = false;
      range(0, 10_000_000).subscribe(s);
      expect(s.count).toBe(10_000_000);
      expect(s.completed).toBe(true);
      expect(s.maxOnNextDepth).toBe(1);
    });
  });

  describe('empty and edge cases', () => {
    it('completes an empty range without any request', () => {
      const s = new TestSubscriber<number>();
      range(0, 0).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('rejects a fractional count or start at assembly time', () => {
      expect(() => range(0, 1.5)).toThrow(RangeError);
      expect(() => range(0.5, 1)).toThrow(RangeError);
      expect(() => range(0, -1)).toThrow(RangeError);
    });
  });
});
