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

describe('elementAt', () => {
  operatorContract('elementAt', { apply: (source) => elementAt<number, number>(1, { defaultValue: -1 })(source), emitsOnEmpty: true, upstreamBound: (n) => Math.min(n + 1, 2), itemsPerOutput: 2 });

  it('emits the item at the index, asking for index + 1 items at most', () => {
    const source = new TestPublisher<number>();
    const s = new TestSubscriber<number>(10);
    toFlow(source).pipe(elementAt(2)).subscribe(s);
    expect(source.requests.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3);
    source.next(7, 8, 9);
    expect(s.log).toEqual(['subscribe', 'request(10)', 'next(9)', 'complete']);
    expect(source.cancelled).toBe(true);
  });

  it('fails with an EmptyError naming the index, or emits the default', () => {
    const a = new TestSubscriber<number>('unbounded');
    range(0, 2).pipe(elementAt(5)).subscribe(a);
    expect(a.log.at(-1)).toBe('error(EmptyError: elementAt: the source completed before emitting an item at index 5)');
    const b = new TestSubscriber<number>('unbounded');
    range(0, 2).pipe(elementAt(5, { defaultValue: -1 })).subscribe(b);
    expect(b.values).toEqual([-1]);
    expect(() => elementAt(-1)).toThrow(RangeError);
  });

  it('the EmptyError is an EmptyError', () => {
    let error: unknown;
    range(0, 1).pipe(elementAt(3)).subscribe({ onSubscribe: (s) => s.request(1), onNext: () => {}, onError: (e) => (error = e), onComplete: () => {} });
    expect(error).toBeInstanceOf(EmptyError);
  });
});
