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

describe('distinct', () => {
  operatorContract('distinct', { apply: (source) => distinct<number>({ capacity: 8 })(source), upstreamBound: (n) => n });

  it('drops keys seen within the window, forgetting the oldest when it is full', () => {
    const s = new TestSubscriber<number>('unbounded');
    of(1, 2, 1, 3, 2, 4, 1).pipe(distinct({ capacity: 2 })).subscribe(s);
    // window {1,2} → 1 dropped; 3 evicts 1 → {2,3}; 2 dropped; 4 evicts 2 → {3,4}; 1 passes again
    expect(s.values).toEqual([1, 2, 3, 4, 1]);
  });

  it('compares by key and replaces each dropped duplicate with request(1)', () => {
    const source = new TestPublisher<{ id: number }>();
    const s = new TestSubscriber<{ id: number }>(2);
    toFlow(source).pipe(distinct({ capacity: 100, key: (e: { id: number }) => e.id })).subscribe(s);
    source.next({ id: 1 }, { id: 1 }, { id: 2 });
    expect(s.values.map((e) => e.id)).toEqual([1, 2]);
    expect(source.requests).toEqual([2, 1]);
  });

  it('refuses to run without a bound', () => {
    expect(() => distinct(undefined as never)).toThrow(/an unbounded set of keys is never the default/);
    expect(() => distinct({ capacity: 0 })).toThrow(RangeError);
    expect(() => distinct({ capacity: Infinity })).toThrow(RangeError);
  });

  it('a throwing key selector fails the result and cancels the source', () => {
    const source = new TestPublisher<number>();
    const s = new TestSubscriber<number>(1);
    toFlow(source).pipe(distinct({ capacity: 4, key: () => { throw new Error('no key'); } })).subscribe(s);
    source.next(1);
    expect(source.cancelled).toBe(true);
    expect(s.log.at(-1)).toBe('error(Error: no key)');
  });
});
