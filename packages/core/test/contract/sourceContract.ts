import { describe, expect, it } from 'vitest';
import type { Publisher } from '../../src/spec/Publisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';

/**
 * The cross-cutting battery every synchronous finite source passes (Reactor's BaseOperatorTest idea, WPT's
 * templated batteries): call it once per source with a factory for a source of exactly `n` items.
 */
export function sourceContract(name: string, create: (n: number) => Publisher<unknown>): void {
  describe(`${name}: source contract`, () => {
    it('emits nothing before the first request', () => {
      const s = new TestSubscriber();
      create(3).subscribe(s);
      expect(s.log).toEqual(['subscribe']);
    });

    it('never emits more than requested', () => {
      const s = new TestSubscriber(2);
      create(5).subscribe(s);
      expect(s.count).toBe(2);
      s.request(1);
      expect(s.count).toBe(3);
      expect(s.violations).toEqual([]);
    });

    it('stops at once when cancelled from inside onNext', () => {
      const s = new TestSubscriber({ initialRequest: 'unbounded', onNext: (_, sub) => sub.cancel() });
      create(5).subscribe(s);
      expect(s.count).toBe(1);
      expect(s.terminated).toBe(false);
    });

    it('emits nothing after cancel before the first request', () => {
      const s = new TestSubscriber();
      create(3).subscribe(s);
      s.cancel();
      s.request(3);
      expect(s.log).toEqual(['subscribe', 'cancel', 'request(3)']);
    });

    for (const bad of [0, -1, NaN, 1.5, -Infinity]) {
      it(`signals onError(RangeError) for request(${bad}) and does not throw`, () => {
        const s = new TestSubscriber();
        create(3).subscribe(s);
        expect(() => s.request(bad)).not.toThrow();
        expect(s.error).toBeInstanceOf(RangeError);
        expect(s.error?.message).toMatch(/^§3\.9:/);
        s.request(5);
        expect(s.count).toBe(0);
        expect(s.violations).toEqual([]);
      });
    }

    it('keeps depth 1 when request(1) is called from inside onNext', () => {
      const s = new TestSubscriber({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      create(50).subscribe(s);
      expect(s.count).toBe(50);
      expect(s.completed).toBe(true);
      expect(s.maxOnNextDepth).toBe(1);
    });

    it('saturates cumulative demand at unbounded (§3.17)', () => {
      const s = new TestSubscriber();
      create(3).subscribe(s);
      s.request(Math.floor(Number.MAX_SAFE_INTEGER / 2));
      s.request(Math.floor(Number.MAX_SAFE_INTEGER / 2));
      s.request(1);
      expect(s.count).toBe(3);
      expect(s.completed).toBe(true);
      expect(s.violations).toEqual([]);
    });

    it('completes an empty source', () => {
      const s = new TestSubscriber(1);
      create(0).subscribe(s);
      expect(s.completed).toBe(true);
      expect(s.count).toBe(0);
    });
  });
}
