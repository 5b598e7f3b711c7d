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

describe('skipWhile', () => {
  operatorContract('skipWhile', {
    apply: (source) => skipWhile<number>((x) => x < 1)(source),
    applyThrowing: (source) => skipWhile<number>(() => { throw new Error('boom'); })(source),
    upstreamBound: (n) => n + 1,
  });

  it('drops while the predicate holds, then emits everything, never asking the predicate again', () => {
    const calls: number[] = [];
    const s = new TestSubscriber<number>('unbounded');
    of(1, 2, 5, 1, 6).pipe(skipWhile((x: number) => (calls.push(x), x < 3))).subscribe(s);
    expect(s.values).toEqual([5, 1, 6]);
    expect(calls).toEqual([1, 2, 5]);
  });

  it('replaces each dropped item with request(1), so the downstream gets what it asked for', () => {
    const s = new TestSubscriber<number>();
    range(0, 10).pipe((source) => spyUpstream(source, s.log), skipWhile((x) => x < 2)).subscribe(s);
    s.request(2);
    expect(s.log).toEqual(['subscribe', 'request(2)', 'up.request(2)', 'up.request(1)', 'up.request(1)', 'next(2)', 'next(3)']);
  });
});
