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

describe('ignoreElements', () => {

  it('drains the source with one unbounded request and passes only the terminal signal', () => {
    const source = new TestPublisher<number>();
    const s = new TestSubscriber<never>();
    toFlow(source).pipe(ignoreElements()).subscribe(s);
    expect(source.requests).toEqual([Number.MAX_SAFE_INTEGER]); // one unbounded request (the boundary adapter's spelling)
    source.next(1, 2, 3).complete();
    expect(s.log).toEqual(['subscribe', 'complete']);
  });

  it('signals §3.9 for an invalid request and cancels the source', () => {
    const source = new TestPublisher<number>();
    const s = new TestSubscriber<never>();
    toFlow(source).pipe(ignoreElements()).subscribe(s);
    s.request(0);
    expect(source.cancelled).toBe(true);
    expect(s.log.at(-1)).toMatch(/^error\(RangeError: §3\.9/);
  });
});
