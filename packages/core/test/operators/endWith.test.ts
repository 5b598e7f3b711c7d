import { describe, expect, it } from 'vitest';
import { endWith } from '../../src/operators/endWith';
import { range } from '../../src/sources/range';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { isCollected } from '../support/collectGarbage';
import { spyUpstream } from '../support/spyUpstream';

describe('endWith', () => {
  operatorContract('endWith', { apply: (source) => endWith<number>(99)(source), emitsOnEmpty: true });

  describe('behaviour', () => {
    it('emits the source, then the given items once it completes', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(1, 2).pipe(endWith(8, 9)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(1)', 'next(2)', 'next(8)', 'next(9)', 'complete']);
    });
  });

  describe('demand', () => {
    it('carries the demand the source left over to the items, and holds them without demand', () => {
      const s = new TestSubscriber<number>(3);
      spyUpstream(range(1, 2), s.log).pipe(endWith(8, 9)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(3)', 'up.request(3)', 'next(1)', 'next(2)', 'next(8)']);
      s.request(1);
      expect(s.log.slice(6)).toEqual(['request(1)', 'next(9)', 'complete']);
      expect(s.violations).toEqual([]);
    });
  });

  describe('errors', () => {
    it('passes a source error through and does not emit the items', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>('unbounded');
      endWith<number>(9)(upstream).subscribe(s);
      upstream.next(1);
      upstream.error(new Error('boom'));
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(1)', 'error(Error: boom)']);
    });

    it('rejects null and undefined items at assembly (§2.13)', () => {
      expect(() => endWith(null as never)).toThrow(/item 0 is null/);
    });
  });

  describe('cancellation', () => {
    it('cancels the source and never emits the items', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>('unbounded');
      endWith<number>(9)(upstream).subscribe(s);
      s.cancel();
      expect(upstream.cancelled).toBe(true);
      expect(s.values).toEqual([]);
    });

    it('stops between the appended items when cancelled from inside onNext', () => {
      const s = new TestSubscriber<number>({ initialRequest: 'unbounded', onNext: (v, sub) => v === 8 && sub.cancel() });
      range(0, 1).pipe(endWith(8, 9)).subscribe(s);
      expect(s.values).toEqual([0, 8]);
      expect(s.terminated).toBe(false);
    });

    it('releases the subscriber after cancel while the items wait for demand (§3.13)', async () => {
      const ref = (() => {
        const s = new TestSubscriber<number>(1);
        range(0, 1).pipe(endWith(7, 8)).subscribe(s);
        s.cancel();
        return new WeakRef(s);
      })();
      expect(await isCollected(ref)).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('is the source itself with no items', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(0, 2).pipe(endWith()).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(0)', 'next(1)', 'complete']);
    });
  });
});
