import { describe, expect, it } from 'vitest';
import { distinct } from '../../src/operators/distinct';
import { elementAt } from '../../src/operators/elementAt';
import { first, last } from '../../src/operators/first';
import { ignoreElements } from '../../src/operators/ignoreElements';
import { skipUntil } from '../../src/operators/skipUntil';
import { skipWhile } from '../../src/operators/skipWhile';
import { takeLast } from '../../src/operators/takeLast';
import { takeUntil } from '../../src/operators/takeUntil';
import { of } from '../../src/sources/of';
import { range } from '../../src/sources/range';
import { EmptyError } from '../../src/sinks/EmptyError';
import { toFlow } from '../../src/internal/lift';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { spyUpstream } from '../support/spyUpstream';

describe('takeLast', () => {
  operatorContract('takeLast', {
    apply: (source) => takeLast<number>(2)(source),
    upstreamBound: () => Infinity,
    emitsAtCompletion: true,
  });

  it('emits the last n items after completion, against demand', () => {
    const source = new TestPublisher<number>();
    const s = new TestSubscriber<number>(1);
    toFlow(source).pipe(takeLast(3)).subscribe(s);
    expect(source.requests).toEqual([Number.MAX_SAFE_INTEGER]); // one unbounded request (the boundary adapter's spelling)
    source.next(1, 2, 3, 4, 5).complete();
    expect(s.values).toEqual([3]);
    s.request(5);
    expect(s.log).toEqual(['subscribe', 'request(1)', 'next(3)', 'request(5)', 'next(4)', 'next(5)', 'complete']);
  });

  it('keeps only n items however large the source', () => {
    const s = new TestSubscriber<number>('unbounded');
    range(0, 100_000).pipe(takeLast(2)).subscribe(s);
    expect(s.values).toEqual([99_998, 99_999]);
  });

  it('takeLast(0) completes empty with the source; fewer items than n are all emitted', () => {
    const a = new TestSubscriber<number>('unbounded');
    range(0, 3).pipe(takeLast(0)).subscribe(a);
    expect(a.log).toEqual(['subscribe', 'request(Infinity)', 'complete']);
    const b = new TestSubscriber<number>('unbounded');
    range(0, 2).pipe(takeLast(5)).subscribe(b);
    expect(b.values).toEqual([0, 1]);
  });

  it('rejects a negative count', () => {
    expect(() => takeLast(-1)).toThrow(RangeError);
  });
});
