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

describe('first and last', () => {
  operatorContract('first', { apply: (source) => first<number, number>({ defaultValue: -1 })(source), emitsOnEmpty: true });
  operatorContract('last', { apply: (source) => last<number, number>({ defaultValue: -1 })(source), upstreamBound: () => Infinity, emitsAtCompletion: true, emitsOnEmpty: true });

  it('first emits the first (matching) item and cancels the source', () => {
    const source = new TestPublisher<number>();
    const s = new TestSubscriber<number>(5);
    toFlow(source).pipe(first((x) => x > 1)).subscribe(s);
    source.next(1, 2);
    expect(source.cancelled).toBe(true);
    expect(s.log).toEqual(['subscribe', 'request(5)', 'next(2)', 'complete']);
  });

  it('first asks the source for one item without a predicate', () => {
    const source = new TestPublisher<number>();
    toFlow(source).pipe(first()).subscribe(new TestSubscriber<number>(5));
    expect(source.requests).toEqual([1]);
  });

  it('fall back to the default value or fail with EmptyError', () => {
    const a = new TestSubscriber<number | string>('unbounded');
    of<number>().pipe(first({ defaultValue: 'none' })).subscribe(a);
    expect(a.log).toEqual(['subscribe', 'request(Infinity)', 'next(none)', 'complete']);
    const b = new TestSubscriber<number>('unbounded');
    range(0, 3).pipe(last((x) => x > 5)).subscribe(b);
    expect(b.log.at(-1)).toMatch(/^error\(EmptyError: last: the source completed without emitting any item/);
  });

  it('last emits the last (matching) item at completion', () => {
    const s = new TestSubscriber<number>('unbounded');
    range(0, 10).pipe(last((x) => x % 4 === 0)).subscribe(s);
    expect(s.values).toEqual([8]);
  });

  it('a throwing predicate fails the result and cancels the source', () => {
    const source = new TestPublisher<number>();
    const s = new TestSubscriber<number>(1);
    toFlow(source).pipe(first(() => { throw new Error('bad predicate'); })).subscribe(s);
    source.next(1);
    expect(source.cancelled).toBe(true);
    expect(s.log.at(-1)).toBe('error(Error: bad predicate)');
  });
});
