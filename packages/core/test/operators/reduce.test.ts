import { describe, expect, it } from 'vitest';
import { flowOf } from '../../src/Flow';
import { reduce } from '../../src/operators/reduce';
import { range } from '../../src/sources/range';
import type { Subscriber } from '../../src/spec/Subscriber';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { spyUpstream } from '../support/spyUpstream';

const sum = (a: number, x: number) => a + x;

describe('reduce', () => {
  operatorContract('reduce with a seed', {
    apply: (source) => reduce(sum, 0)(source),
    applyThrowing: (source) =>
      reduce((): number => {
        throw new Error('reducer failed');
      }, 0)(source),
    upstreamBound: () => Infinity,
    emitsOnEmpty: true,
    emitsAtCompletion: true,
  });

  operatorContract('reduce without a seed', {
    apply: (source) => reduce(sum)(source),
    applyThrowing: (source) =>
      reduce((): number => {
        throw new Error('reducer failed');
      })(source),
    upstreamBound: () => Infinity,
    itemsPerOutput: 2,
    emitsAtCompletion: true,
  });

  describe('behaviour', () => {
    it('emits the final accumulator once, at completion', () => {
      const s = new TestSubscriber<number>(1);
      range(1, 4).pipe(reduce(sum, 0)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(10)', 'complete']);
    });

    it('starts from the first item without a seed, passing indexes from 1', () => {
      const s = new TestSubscriber<number>(1);
      const indexes: number[] = [];
      range(1, 3)
        .pipe(
          reduce((acc: number, x: number, i: number) => {
            indexes.push(i);
            return acc * 10 + x;
          }),
        )
        .subscribe(s);
      expect(s.values).toEqual([123]);
      expect(indexes).toEqual([1, 2]);
    });
  });

  describe('demand', () => {
    it('requests unbounded upstream once, at the first downstream request', () => {
      const s = new TestSubscriber<number>();
      range(1, 3).pipe((source) => spyUpstream(source, s.log), reduce(sum, 0)).subscribe(s);
      expect(s.log).toEqual(['subscribe']);
      s.request(1);
      s.request(1);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'up.request(Infinity)', 'next(6)', 'complete', 'request(1)']);
    });

    it('holds the result after upstream completed until downstream requests it', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      reduce(sum, 0)(upstream).subscribe(s);
      expect(upstream.requests).toEqual([Number.MAX_SAFE_INTEGER]); // unbounded, through the boundary adapter
      upstream.next(2, 3);
      expect(s.log).toEqual(['subscribe', 'request(1)']);
      upstream.complete();
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(5)', 'complete']);
    });

    it('waits for a request when the source completes before any demand', () => {
      const s = new TestSubscriber<number>();
      const upstream = new TestPublisher<number>();
      reduce(sum, 7)(upstream).subscribe(s);
      expect(upstream.requests).toEqual([]);
      upstream.complete();
      expect(s.log).toEqual(['subscribe']);
      s.request(3);
      expect(s.log).toEqual(['subscribe', 'request(3)', 'next(7)', 'complete']);
      expect(s.violations).toEqual([]);
    });
  });

  describe('errors', () => {
    it('signals an upstream error without emitting, even without demand', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      reduce(sum, 0)(upstream).subscribe(s);
      upstream.next(1);
      upstream.error(new Error('late'));
      expect(s.log).toEqual(['subscribe', 'request(1)', 'error(Error: late)']);
    });

    it('signals TypeError and cancels upstream when the reducer returns undefined', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      reduce((): number => undefined as never, 0)(upstream).subscribe(s);
      upstream.next(1);
      expect(s.error?.message).toMatch(/^§2\.13: reduce: the reducer returned undefined/);
      expect(upstream.cancelled).toBe(true);
    });

    it('validates requests itself: an invalid one cancels upstream and signals §3.9', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      reduce(sum, 0)(upstream).subscribe(s);
      s.request(-1);
      expect(s.error).toBeInstanceOf(RangeError);
      expect(upstream.cancelled).toBe(true);
      expect(upstream.requests).toEqual([Number.MAX_SAFE_INTEGER]);
    });

    it('drops an error that arrives after the reducer failed (the stage cancelled upstream, ADR 0012) instead of delivering it', () => {
      const reported = captureReportedErrors();
      try {
        const s = new TestSubscriber<number>(1);
        let stage: Subscriber<number> | null = null;
        const trusted = flowOf<number>((subscriber) => {
          stage = subscriber;
          subscriber.onSubscribe({ request: () => subscriber.onNext(1), cancel: () => {} });
        });
        trusted
          .pipe(
            reduce((): number => {
              throw new Error('first');
            }, 0),
          )
          .subscribe(s);
        const late = new Error('second');
        stage!.onError(late);
        expect(s.log).toEqual(['subscribe', 'request(1)', 'error(Error: first)']);
        expect([reported.errors, reported.dropped]).toEqual([[], [late]]);
      } finally {
        reported.restore();
      }
    });

    it('rejects a non-function reducer or a nullish seed at assembly time', () => {
      expect(() => reduce(3 as never)).toThrow(TypeError);
      expect(() => reduce(sum, undefined as never)).toThrow(TypeError);
      expect(() => reduce(sum, null as never)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels upstream and never emits after cancel', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      reduce(sum, 0)(upstream).subscribe(s);
      upstream.next(4);
      s.cancel();
      expect(upstream.cancelled).toBe(true);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'cancel']);
    });
  });

  describe('empty and edge cases', () => {
    it('completes empty for an empty source without a seed, even before any request', () => {
      const s = new TestSubscriber<number>();
      range(0, 0).pipe(reduce(sum)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('emits the seed for an empty source', () => {
      const s = new TestSubscriber<number>(1);
      range(0, 0).pipe(reduce(sum, 42)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(42)', 'complete']);
    });

    it('emits a single item unchanged without a seed, never calling the reducer', () => {
      const s = new TestSubscriber<number>(1);
      range(9, 1)
        .pipe(
          reduce<number>(() => {
            throw new Error('not called');
          }),
        )
        .subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(9)', 'complete']);
    });

    it('folds 1,000,000 synchronous items holding only the accumulator', () => {
      const s = new TestSubscriber<number>(1);
      range(0, 1_000_000).pipe(reduce(sum, 0)).subscribe(s);
      expect(s.values).toEqual([499_999_500_000]);
    });
  });
});
