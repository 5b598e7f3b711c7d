import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replenishAt, UNBOUNDED } from '../../src/internal/demand';

// Issue 13 item 11: one exact 75% threshold, with no 32-bit arithmetic.
describe('replenishAt', () => {
  describe('behaviour', () => {
    it('is prefetch - floor(prefetch / 4) for small prefetches', () => {
      expect([1, 2, 3, 4, 5, 8, 256].map(replenishAt)).toEqual([1, 2, 3, 3, 4, 6, 192]);
    });

    it('stays within the prefetch at and beyond 2^31, where a 32-bit shift wraps', () => {
      expect(replenishAt(2 ** 31)).toBe(2 ** 31 - 2 ** 29);
      expect(replenishAt(2 ** 32 + 3)).toBe(2 ** 32 + 3 - 2 ** 30);
      expect(replenishAt(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER - Math.floor(Number.MAX_SAFE_INTEGER / 4));
    });

    it('leaves unbounded alone', () => {
      expect(replenishAt(UNBOUNDED)).toBe(UNBOUNDED);
    });

    it('is exact and within [1, prefetch] for every positive safe integer', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (prefetch) => {
          const at = replenishAt(prefetch);
          expect(at).toBeGreaterThanOrEqual(1);
          expect(at).toBeLessThanOrEqual(prefetch);
          expect(at + Math.floor(prefetch / 4)).toBe(prefetch);
          expect(Number.isSafeInteger(at)).toBe(true);
        }),
      );
    });
  });
});
