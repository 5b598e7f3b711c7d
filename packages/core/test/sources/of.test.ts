import { describe, expect, it } from 'vitest';
import { of } from '../../src/sources/of';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { sourceContract } from '../contract/sourceContract';

const items = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('of', () => {
  sourceContract('of', (n) => of(...items(n)));

  describe('behaviour', () => {
    it('emits its arguments in order, then completes', () => {
      const s = new TestSubscriber<string>('unbounded');
      of('a', 'b', 'c').subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(a)', 'next(b)', 'next(c)', 'complete']);
      expect(s.violations).toEqual([]);
    });

    it('replays the same items to every subscriber', () => {
      const flow = of(1, 2);
      const first = new TestSubscriber<number>('unbounded');
      const second = new TestSubscriber<number>('unbounded');
      flow.subscribe(first);
      flow.subscribe(second);
      expect(first.values).toEqual([1, 2]);
      expect(second.values).toEqual([1, 2]);
    });
  });

  describe('demand', () => {
    it('emits exactly what was requested, step by step', () => {
      const s = new TestSubscriber<number>();
      of(1, 2, 3).subscribe(s);
      s.request(2);
      s.request(5);
      expect(s.log).toEqual(['subscribe', 'request(2)', 'next(1)', 'next(2)', 'request(5)', 'next(3)', 'complete']);
    });
  });

  describe('errors', () => {
    it('rejects null and undefined items at assembly time, naming the position', () => {
      expect(() => of(1, null)).toThrow(/^§2\.13: of: item 1 is null/);
      expect(() => of(undefined)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('emits nothing more after cancel from inside onNext', () => {
      const s = new TestSubscriber<number>({ initialRequest: 10, onNext: (_, sub) => sub.cancel() });
      of(1, 2, 3).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(10)', 'next(1)', 'cancel']);
    });
  });

  describe('empty and edge cases', () => {
    it('completes of() without any request', () => {
      const s = new TestSubscriber<never>();
      of().subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('does not complete of() when cancelled inside onSubscribe', () => {
      const s = new TestSubscriber<never>({ onSubscribe: (sub) => sub.cancel() });
      of().subscribe(s);
      expect(s.log).toEqual(['subscribe', 'cancel']);
    });
  });
});
