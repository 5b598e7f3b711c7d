import { describe, expect, it } from 'vitest';
import { distinctUntilChanged } from '../../src/operators/distinctUntilChanged';
import { map } from '../../src/operators/map';
import { range } from '../../src/sources/range';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { spyUpstream } from '../support/spyUpstream';

const halves = map((x: number) => Math.floor(x / 2));

describe('distinctUntilChanged', () => {
  operatorContract('distinctUntilChanged', {
    apply: (source) => distinctUntilChanged<number>()(source),
    applyThrowing: (source) =>
      distinctUntilChanged<number>(() => {
        throw new Error('compare failed');
      })(source),
    // compare runs from the second item on
    itemsPerOutput: 2,
  });

  describe('behaviour', () => {
    it('suppresses items equal to the one just before them, by Object.is', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(0, 7).pipe(halves, distinctUntilChanged()).subscribe(s);
      expect(s.values).toEqual([0, 1, 2, 3]);
      expect(s.completed).toBe(true);
    });

    it('emits an item again when it returns after a different one', () => {
      const upstream = new TestPublisher<string>();
      const s = new TestSubscriber<string>('unbounded');
      distinctUntilChanged<string>()(upstream).subscribe(s);
      upstream.next('a', 'a', 'b', 'a');
      expect(s.values).toEqual(['a', 'b', 'a']);
    });

    it('uses compare(previous, current) when given', () => {
      const upstream = new TestPublisher<{ id: number; v: string }>();
      const s = new TestSubscriber<{ id: number; v: string }>('unbounded');
      const calls: string[] = [];
      distinctUntilChanged<{ id: number; v: string }>((p, c) => {
        calls.push(`${p.v}-${c.v}`);
        return p.id === c.id;
      })(upstream).subscribe(s);
      upstream.next({ id: 1, v: 'a' }, { id: 1, v: 'b' }, { id: 2, v: 'c' });
      expect(s.values.map((x) => x.v)).toEqual(['a', 'c']);
      expect(calls).toEqual(['a-b', 'a-c']);
    });
  });

  describe('demand', () => {
    it('replaces each suppressed item with request(1) upstream', () => {
      const s = new TestSubscriber<number>();
      range(0, 4).pipe(halves, (source) => spyUpstream(source, s.log), distinctUntilChanged()).subscribe(s);
      s.request(2);
      expect(s.log).toEqual(['subscribe', 'request(2)', 'up.request(2)', 'next(0)', 'up.request(1)', 'next(1)']);
      s.request(1);
      expect(s.log.slice(6)).toEqual(['request(1)', 'up.request(1)', 'up.request(1)', 'complete']);
      expect(s.violations).toEqual([]);
    });

    it('sends no replacement requests once demand is unbounded', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(0, 4).pipe(halves, (source) => spyUpstream(source, s.log), distinctUntilChanged()).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'up.request(Infinity)', 'next(0)', 'next(1)', 'complete']);
    });
  });

  describe('errors', () => {
    it('cancels upstream and signals the error when compare throws', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(3);
      distinctUntilChanged<number>(() => {
        throw new TypeError('no compare');
      })(upstream).subscribe(s);
      upstream.next(1, 2);
      expect(s.log).toEqual(['subscribe', 'request(3)', 'next(1)', 'error(TypeError: no compare)']);
      expect(upstream.cancelled).toBe(true);
    });

    it('rejects a non-function compare at assembly time', () => {
      expect(() => distinctUntilChanged(null as never)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels upstream and stops emitting', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(5);
      distinctUntilChanged<number>()(upstream).subscribe(s);
      upstream.next(1);
      s.cancel();
      upstream.next(2);
      expect(upstream.cancelled).toBe(true);
      expect(s.values).toEqual([1]);
    });
  });

  describe('empty and edge cases', () => {
    it('emits the first item without calling compare', () => {
      const s = new TestSubscriber<number>('unbounded');
      let calls = 0;
      range(7, 1)
        .pipe(
          distinctUntilChanged(() => {
            calls++;
            return true;
          }),
        )
        .subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(7)', 'complete']);
      expect(calls).toBe(0);
    });

    it('treats NaN as equal to NaN by default', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>('unbounded');
      distinctUntilChanged<number>()(upstream).subscribe(s);
      upstream.next(NaN, NaN, 1);
      expect(s.values).toEqual([NaN, 1]);
    });
  });
});
