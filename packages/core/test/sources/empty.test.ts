import { describe, expect, it } from 'vitest';
import { empty } from '../../src/sources/empty';
import { TestSubscriber } from '../../src/testing/TestSubscriber';

// sourceContract needs a source of n items; empty has only n = 0, so its cases are written out here.
describe('empty', () => {
  describe('behaviour', () => {
    it('completes right after onSubscribe', () => {
      const s = new TestSubscriber<never>();
      empty().subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
      expect(s.violations).toEqual([]);
    });
  });

  describe('demand', () => {
    it('ignores requests after completion', () => {
      const s = new TestSubscriber<never>();
      empty().subscribe(s);
      expect(() => s.request(5)).not.toThrow();
      expect(() => s.request(-1)).not.toThrow();
      expect(s.log).toEqual(['subscribe', 'complete', 'request(5)', 'request(-1)']);
    });
  });

  describe('errors', () => {
    it('signals onError(RangeError) instead of completing for an invalid request made inside onSubscribe', () => {
      const s = new TestSubscriber<never>({ onSubscribe: (sub) => sub.request(0) });
      empty().subscribe(s);
      expect(s.completed).toBe(false);
      expect(s.error?.message).toMatch(/^§3\.9:/);
    });
  });

  describe('cancellation', () => {
    it('does not complete when cancelled inside onSubscribe', () => {
      const s = new TestSubscriber<never>({ onSubscribe: (sub) => sub.cancel() });
      empty().subscribe(s);
      expect(s.log).toEqual(['subscribe', 'cancel']);
    });
  });

  describe('empty and edge cases', () => {
    it('serves many subscribers independently', () => {
      const flow = empty<number>();
      const a = new TestSubscriber<number>();
      const b = new TestSubscriber<number>();
      flow.subscribe(a);
      flow.subscribe(b);
      expect(a.completed && b.completed).toBe(true);
    });
  });
});
