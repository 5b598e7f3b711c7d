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

describe('skipUntil', () => {
  operatorContract('skipUntil', {
    apply: (source) => skipUntil<number>(of(0))(source),
  });

  it('drops items until the notifier emits, then passes everything and cancels the notifier', () => {
    const source = new TestPublisher<number>();
    const notifier = new TestPublisher<string>();
    const s = new TestSubscriber<number>(10);
    toFlow(source).pipe(skipUntil(notifier)).subscribe(s);
    expect(notifier.requests).toEqual([1]);
    source.next(1, 2);
    expect(source.requests).toEqual([10, 1, 1]); // each dropped item replaced
    notifier.next('go');
    expect(notifier.cancelled).toBe(true);
    source.next(3, 4).complete();
    expect(s.log).toEqual(['subscribe', 'request(10)', 'next(3)', 'next(4)', 'complete']);
  });

  it('fails with the notifier error and cancels the source', () => {
    const source = new TestPublisher<number>();
    const notifier = new TestPublisher<string>();
    const s = new TestSubscriber<number>(1);
    toFlow(source).pipe(skipUntil(notifier)).subscribe(s);
    notifier.error(new Error('gate broke'));
    expect(source.cancelled).toBe(true);
    expect(s.log).toEqual(['subscribe', 'request(1)', 'error(Error: gate broke)']);
  });

  it('rejects a non-Publisher at assembly', () => {
    expect(() => skipUntil(42 as never)).toThrow(TypeError);
  });
});
