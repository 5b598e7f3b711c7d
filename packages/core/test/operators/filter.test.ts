import { describe, expect, it } from 'vitest';
import { toFlow } from '../../src/internal/lift';
import { filter } from '../../src/operators/filter';
import { map } from '../../src/operators/map';
import { range } from '../../src/sources/range';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { spyUpstream } from '../support/spyUpstream';

describe('filter', () => {
  operatorContract('filter', {
    apply: (source) => filter((x: number) => x % 2 === 0)(source),
    applyThrowing: (source) =>
      filter(() => {
        throw new Error('predicate failed');
      })(source),
  });

  // map → filter is assembled as one fused stage (decision 0008): it must pass the same battery.
  operatorContract('map → filter (fused)', {
    apply: (source) => filter((x: number) => x % 2 === 0)(map((x: number) => x + 1)(source)),
    applyThrowing: (source) =>
      filter(() => {
        throw new Error('predicate failed');
      })(map((x: number) => x)(source)),
  });

  describe('behaviour', () => {
    it('emits only the items that pass the predicate, with their source index', () => {
      const s = new TestSubscriber<number>('unbounded');
      const indexes: number[] = [];
      range(1, 6)
        .pipe(
          filter((x, i) => {
            indexes.push(i);
            return x % 3 === 0;
          }),
        )
        .subscribe(s);
      expect(s.values).toEqual([3, 6]);
      expect(indexes).toEqual([0, 1, 2, 3, 4, 5]);
      expect(s.completed).toBe(true);
    });

    it('narrows the element type with a type-guard predicate', () => {
      const s = new TestSubscriber<string>('unbounded');
      range(0, 4)
        .pipe(
          map((x): number | string => (x % 2 === 0 ? `s${x}` : x)),
          filter((x): x is string => typeof x === 'string'),
        )
        .subscribe(s);
      const values: string[] = s.values;
      expect(values).toEqual(['s0', 's2']);
    });
  });

  describe('demand', () => {
    it('replaces each filtered-out item with request(1) upstream, added to the running emit loop', () => {
      const s = new TestSubscriber<number>();
      range(1, 6).pipe((source) => spyUpstream(source, s.log), filter((x: number) => x % 2 === 0)).subscribe(s);
      s.request(2);
      expect(s.log).toEqual([
        'subscribe',
        'request(2)',
        'up.request(2)',
        'up.request(1)', // 1 dropped
        'next(2)',
        'up.request(1)', // 3 dropped
        'next(4)',
      ]);
      s.request(1);
      expect(s.log.slice(7)).toEqual(['request(1)', 'up.request(1)', 'up.request(1)', 'next(6)', 'complete']);
      expect(s.maxOnNextDepth).toBe(1);
      expect(s.violations).toEqual([]);
    });

    it('lets a range count only the kept items (conditional path), with the same signals and indices', () => {
      const s = new TestSubscriber<number>();
      const indices: number[] = [];
      range(1, 6)
        .pipe(
          map((x: number) => x * 10),
          filter((x: number, i) => {
            indices.push(i);
            return x % 20 === 0;
          }),
        )
        .subscribe(s);
      s.request(2);
      expect(s.log).toEqual(['subscribe', 'request(2)', 'next(20)', 'next(40)']);
      expect(indices).toEqual([0, 1, 2, 3]);
      s.request(1);
      expect(s.log.slice(4)).toEqual(['request(1)', 'next(60)', 'complete']);
      expect(s.maxOnNextDepth).toBe(1);
      expect(s.violations).toEqual([]);
    });

    it('on the conditional path, never delivers more than requested when requests arrive from inside onNext', () => {
      // One more each time an item arrives, so the source's run length keeps changing under it.
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (x, sub) => x < 30 && sub.request(1) });
      range(0, 100).pipe(map((x: number) => x + 1), filter((x: number) => x % 3 === 0)).subscribe(s);
      expect(s.values).toEqual([3, 6, 9, 12, 15, 18, 21, 24, 27, 30]); // 1 + 9 requested
      expect(s.completed).toBe(false);
      expect(s.violations).toEqual([]);
    });

    it('on the conditional path, counts deliveries through a chain of conditional stages', () => {
      const s = new TestSubscriber<number>(4);
      range(0, 40)
        .pipe(
          filter((x: number) => x % 2 === 0),
          map((x: number) => x * 10),
          map((x: number) => x + 1),
          filter((x: number) => x % 3 === 0),
        )
        .subscribe(s);
      expect(s.values).toEqual([21, 81, 141, 201]);
      s.request(100);
      expect(s.values).toEqual([21, 81, 141, 201, 261, 321, 381]);
      expect(s.completed).toBe(true);
      expect(s.violations).toEqual([]);
    });

    it('on the conditional path, completes when the range ends on the item that met the demand', () => {
      const s = new TestSubscriber<number>(3);
      range(0, 5).pipe(filter((x: number) => x % 2 === 0)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(3)', 'next(0)', 'next(2)', 'next(4)', 'complete']);
    });

    it('on the conditional path, waits for demand when it is met before the range ends', () => {
      const s = new TestSubscriber<number>(2);
      range(0, 6).pipe(filter((x: number) => x % 2 === 0)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(2)', 'next(0)', 'next(2)']);
      s.request(5);
      expect(s.log.slice(4)).toEqual(['request(5)', 'next(4)', 'complete']);
    });

    it('on the conditional path, runs to the end of the range once demand turns unbounded mid-run', () => {
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (x, sub) => x === 0 && sub.request(Infinity) });
      range(0, 10).pipe(filter((x: number) => x % 4 === 0)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(0)', 'request(Infinity)', 'next(4)', 'next(8)', 'complete']);
      expect(s.violations).toEqual([]);
    });

    it('stops a range on the conditional path when cancelled from inside onNext', () => {
      const s = new TestSubscriber<number>({ initialRequest: 5, onNext: (_, sub) => sub.cancel() });
      range(0, 100).pipe(map((x: number) => x + 1), filter((x: number) => x % 2 === 0)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(5)', 'next(2)', 'cancel']);
      expect(s.violations).toEqual([]);
    });

    it('sends no replacement requests once demand is unbounded', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(1, 6).pipe((source) => spyUpstream(source, s.log), filter((x: number) => x > 4)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'up.request(Infinity)', 'next(5)', 'next(6)', 'complete']);
    });

    it('keeps downstream demand met across a long run of dropped items without stack growth', () => {
      const s = new TestSubscriber<number>(1);
      s.recordLog = false;
      range(0, 1_000_001).pipe(filter((x) => x === 1_000_000)).subscribe(s);
      expect(s.values).toEqual([1_000_000]);
      s.request(1);
      expect(s.completed).toBe(true);
      expect(s.violations).toEqual([]);
    });

    it('passes an invalid request upstream, where the source signals the §3.9 error', () => {
      const s = new TestSubscriber<number>();
      range(0, 5).pipe(filter(() => true)).subscribe(s);
      s.request(0);
      expect(s.error).toBeInstanceOf(RangeError);
      expect(s.violations).toEqual([]);
    });
  });

  describe('errors', () => {
    it('cancels upstream and signals the error when the predicate throws', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(2);
      const boom = new Error('boom');
      filter((x: number) => {
        if (x === 2) throw boom;
        return true;
      })(upstream).subscribe(s);
      upstream.next(1, 2);
      expect(s.log).toEqual(['subscribe', 'request(2)', 'next(1)', 'error(Error: boom)']);
      expect(upstream.cancelled).toBe(true);
    });

    it('cancels a range and signals the error when the predicate throws on the conditional path', () => {
      const s = new TestSubscriber<number>(5);
      const boom = new Error('boom');
      range(0, 10)
        .pipe(
          filter((x: number) => {
            if (x === 3) throw boom;
            return x % 2 === 0;
          }),
        )
        .subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(5)', 'next(0)', 'next(2)', 'error(Error: boom)']);
      expect(s.violations).toEqual([]);
    });

    it('signals a TypeError when a mapper before it returns null on the conditional path (§2.13)', () => {
      const s = new TestSubscriber<number>(5);
      range(0, 10)
        .pipe(map((x: number) => (x === 1 ? (null as unknown as number) : x)), filter(() => true))
        .subscribe(s);
      expect(s.values).toEqual([0]);
      expect(s.error).toBeInstanceOf(TypeError);
      expect(s.violations).toEqual([]);
    });

    it('fused after map: a throwing mapper cancels upstream and signals its error, the predicate never runs', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(3);
      const boom = new Error('boom');
      const seen: number[] = [];
      filter((x: number) => {
        seen.push(x);
        return true;
      })(
        map((x: number) => {
          if (x === 2) throw boom;
          return x * 10;
        })(upstream),
      ).subscribe(s);
      upstream.next(1, 2);
      expect(s.log).toEqual(['subscribe', 'request(3)', 'next(10)', 'error(Error: boom)']);
      expect(seen).toEqual([10]);
      expect(upstream.cancelled).toBe(true);
    });

    it('fused after map: a null mapper result is map\'s §2.13 TypeError', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(3);
      filter<number>(() => true)(map((x: number) => (x === 1 ? (undefined as unknown as number) : x))(upstream)).subscribe(s);
      upstream.next(0, 1);
      expect(s.values).toEqual([0]);
      expect(s.error).toBeInstanceOf(TypeError);
      expect(s.error?.message).toMatch(/map/);
      expect(upstream.cancelled).toBe(true);
    });

    it('fused after map: both functions get the same index, and dropped items are replaced with request(1)', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(2);
      const mapIndices: number[] = [];
      const filterIndices: number[] = [];
      const mapped = map((x: number, i) => {
        mapIndices.push(i);
        return x;
      })(upstream);
      filter((x: number, i) => {
        filterIndices.push(i);
        return x % 2 === 0;
      })(mapped).subscribe(s);
      upstream.next(1, 2, 3);
      expect(s.values).toEqual([2]);
      expect(mapIndices).toEqual([0, 1, 2]);
      expect(filterIndices).toEqual([0, 1, 2]);
      expect(upstream.requests).toEqual([2, 1, 1]);
    });

    it('on the ordinary path, a drop further down a chain of conditional stages is replaced once, at its top', () => {
      // map → (map → filter, fused): the first map hands items to a conditional stage, which drops the odd ones.
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(2);
      toFlow(upstream).pipe(map((x: number) => x + 1), map((x: number) => x * 10), filter((x: number) => x % 20 === 0)).subscribe(s);
      upstream.next(0, 1, 2, 3);
      expect(s.values).toEqual([20, 40]);
      expect(upstream.requests).toEqual([2, 1, 1]); // one replacement per dropped item, none for kept ones
      expect(s.violations).toEqual([]);
    });

    it('on the ordinary path, asks for no replacement once demand is unbounded', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>('unbounded');
      toFlow(upstream).pipe(map((x: number) => x), filter((x: number) => x > 1)).subscribe(s);
      upstream.next(0, 1, 2);
      upstream.complete();
      expect(s.values).toEqual([2]);
      expect(upstream.requests).toEqual([Number.MAX_SAFE_INTEGER]); // TestSubscriber's 'unbounded' (§3.17)
    });

    it('leaves the map Flow it fused into usable on its own', () => {
      const mapped = range(0, 4).pipe(map((x: number) => x * 3));
      const kept = new TestSubscriber<number>('unbounded');
      mapped.pipe(filter((x: number) => x % 2 === 0)).subscribe(kept);
      const all = new TestSubscriber<number>('unbounded');
      mapped.subscribe(all);
      expect(kept.values).toEqual([0, 6]);
      expect(all.values).toEqual([0, 3, 6, 9]);
    });

    it('rejects a non-function predicate at assembly time', () => {
      expect(() => filter('yes' as never)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('sends no replacement request after downstream cancelled', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(2);
      filter((x: number) => x > 1)(upstream).subscribe(s);
      upstream.next(5);
      s.cancel();
      expect(upstream.cancelled).toBe(true);
      expect(upstream.requests).toEqual([2]);
    });
  });

  describe('empty and edge cases', () => {
    it('completes without items when every item is filtered out', () => {
      const s = new TestSubscriber<number>(1);
      range(0, 10).pipe(filter(() => false)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'complete']);
    });
  });
});
