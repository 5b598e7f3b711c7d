import { describe, expect, it } from 'vitest';
import { startWith } from '../../src/operators/startWith';
import { range } from '../../src/sources/range';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { isCollected } from '../support/collectGarbage';
import { spyUpstream } from '../support/spyUpstream';

describe('startWith', () => {
  // The battery's upstream checks need the source subscribed at once, which is the case without prefix items.
  operatorContract('startWith()', { apply: (source) => startWith<number>()(source) });

  describe('behaviour', () => {
    it('emits the given items first, then the source', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(1, 2).pipe(startWith(-1, 0)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(-1)', 'next(0)', 'next(1)', 'next(2)', 'complete']);
    });
  });

  describe('demand', () => {
    it('emits the items against demand and asks the source for exactly the demand they left', () => {
      const s = new TestSubscriber<number>(1);
      spyUpstream(range(10, 5), s.log).pipe(startWith(1, 2)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(1)']);
      s.request(3);
      expect(s.log.slice(3)).toEqual(['request(3)', 'next(2)', 'up.request(2)', 'next(10)', 'next(11)']);
      expect(s.violations).toEqual([]);
    });
  });

  describe('errors', () => {
    it('passes a source error through after the items', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>('unbounded');
      startWith<number>(0)(upstream).subscribe(s);
      upstream.error(new Error('boom'));
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(0)', 'error(Error: boom)']);
    });

    it('rejects null and undefined items at assembly (§2.13)', () => {
      expect(() => startWith(1, null as never)).toThrow(/item 1 is null/);
      expect(() => startWith(undefined as never)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('never subscribes the source when cancelled during the items', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>({ initialRequest: 5, onNext: (_, sub) => sub.cancel() });
      startWith<number>(1, 2)(upstream).subscribe(s);
      expect(s.values).toEqual([1]);
      expect(upstream.subscriber).toBe(null);
    });

    it('cancels the source once the items are out', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      startWith<number>(1)(upstream).subscribe(s);
      s.cancel();
      expect(upstream.cancelled).toBe(true);
    });

    it('releases the subscriber after cancel while the items wait for demand (§3.13)', async () => {
      const ref = (() => {
        const s = new TestSubscriber<number>(1);
        range(0, 3).pipe(startWith(7, 8)).subscribe(s);
        s.cancel();
        return new WeakRef(s);
      })();
      expect(await isCollected(ref)).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('emits the items and completes for an empty source', () => {
      const s = new TestSubscriber<number>(5);
      range(0, 0).pipe(startWith(9)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(5)', 'next(9)', 'complete']);
    });

    it('does not see later changes to the array the items were spread from', () => {
      const items = [1, 2];
      const op = startWith<number>(...items);
      items.push(3);
      const s = new TestSubscriber<number>('unbounded');
      range(0, 0).pipe(op).subscribe(s);
      expect(s.values).toEqual([1, 2]);
    });
  });
});
