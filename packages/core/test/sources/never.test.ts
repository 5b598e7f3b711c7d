import { describe, expect, it } from 'vitest';
import { never } from '../../src/sources/never';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { collectGarbage } from '../support/collectGarbage';

describe('never', () => {
  describe('behaviour', () => {
    it('signals only onSubscribe, whatever is requested', () => {
      const s = new TestSubscriber<never>('unbounded');
      never().subscribe(s);
      s.request(5);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'request(5)']);
    });
  });

  describe('demand', () => {
    it('accepts unbounded cumulative demand without error (§3.17)', () => {
      const s = new TestSubscriber<never>();
      never().subscribe(s);
      s.request(Number.MAX_SAFE_INTEGER);
      s.request(Number.MAX_SAFE_INTEGER);
      expect(s.terminated).toBe(false);
    });
  });

  describe('errors', () => {
    for (const bad of [0, -1, NaN, 1.5, -Infinity]) {
      it(`signals onError(RangeError) for request(${bad}) and does not throw`, () => {
        const s = new TestSubscriber<never>();
        never().subscribe(s);
        expect(() => s.request(bad)).not.toThrow();
        expect(s.error).toBeInstanceOf(RangeError);
        expect(s.error?.message).toMatch(/^§3\.9:/);
      });
    }
  });

  describe('cancellation', () => {
    it('ignores requests after cancel', () => {
      const s = new TestSubscriber<never>();
      never().subscribe(s);
      s.cancel();
      s.request(-1);
      expect(s.log).toEqual(['subscribe', 'cancel', 'request(-1)']);
    });

    it('keeps no reference to a cancelled subscriber (§3.13)', async () => {
      const ref = (() => {
        const s = new TestSubscriber<never>(1);
        never().subscribe(s);
        s.cancel();
        return new WeakRef(s);
      })();
      await collectGarbage();
      expect(ref.deref()).toBeUndefined();
    });
  });

  describe('empty and edge cases', () => {
    it('returns a Flow that serves any number of subscribers', () => {
      const a = new TestSubscriber<number>();
      const b = new TestSubscriber<number>();
      never<number>().subscribe(a);
      never<number>().subscribe(b);
      expect([a.log, b.log]).toEqual([['subscribe'], ['subscribe']]);
    });
  });
});
