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

describe('takeUntil', () => {
  operatorContract('takeUntil', {
    apply: (source) => takeUntil<number>(new TestPublisher<string>())(source),
  });

  it('completes when the notifier emits, cancelling the source and the notifier', () => {
    const source = new TestPublisher<number>();
    const notifier = new TestPublisher<string>();
    const s = new TestSubscriber<number>(10);
    toFlow(source).pipe(takeUntil(notifier)).subscribe(s);
    source.next(1, 2);
    notifier.next('stop');
    expect(source.cancelled).toBe(true);
    expect(notifier.cancelled).toBe(true);
    expect(s.log).toEqual(['subscribe', 'request(10)', 'next(1)', 'next(2)', 'complete']);
  });

  it('passes demand through and asks the notifier for one item', () => {
    const source = new TestPublisher<number>();
    const notifier = new TestPublisher<string>();
    const s = new TestSubscriber<number>(3);
    toFlow(source).pipe(takeUntil(notifier)).subscribe(s);
    expect(source.requests).toEqual([3]);
    expect(notifier.requests).toEqual([1]);
  });

  it('stops on an AbortSignal and removes its listener', () => {
    const controller = new AbortController();
    const source = new TestPublisher<number>();
    const s = new TestSubscriber<number>(10);
    toFlow(source).pipe(takeUntil(controller.signal)).subscribe(s);
    source.next(1);
    controller.abort();
    expect(source.cancelled).toBe(true);
    expect(s.log).toEqual(['subscribe', 'request(10)', 'next(1)', 'complete']);
  });

  it('completes at once for an already aborted signal', () => {
    const s = new TestSubscriber<number>('unbounded');
    range(0, 5).pipe(takeUntil(AbortSignal.abort())).subscribe(s);
    expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'complete']);
  });

  it('an abort fired from inside onNext takes effect after that onNext returns (§1.3 serial signals)', () => {
    const controller = new AbortController();
    const s = new TestSubscriber<number>({
      initialRequest: 'unbounded',
      onNext: (value) => {
        if (value === 1) controller.abort();
        s.log.push(`returned(${value})`);
      },
    });
    range(0, 5).pipe(takeUntil(controller.signal)).subscribe(s);
    expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(0)', 'returned(0)', 'next(1)', 'returned(1)', 'complete']);
  });

  it('a notifier that completes empty changes nothing; a notifier error fails the result', () => {
    const s = new TestSubscriber<number>('unbounded');
    range(0, 3).pipe(takeUntil(of())).subscribe(s);
    expect(s.values).toEqual([0, 1, 2]);
    const source = new TestPublisher<number>();
    const notifier = new TestPublisher<string>();
    const t = new TestSubscriber<number>(1);
    toFlow(source).pipe(takeUntil(notifier)).subscribe(t);
    notifier.error(new Error('notifier failed'));
    expect(source.cancelled).toBe(true);
    expect(t.log).toEqual(['subscribe', 'request(1)', 'error(Error: notifier failed)']);
  });

  it('cancelling releases the notifier subscription', () => {
    const source = new TestPublisher<number>();
    const notifier = new TestPublisher<string>();
    const s = new TestSubscriber<number>(1);
    toFlow(source).pipe(takeUntil(notifier)).subscribe(s);
    s.cancel();
    expect(source.cancelled).toBe(true);
    expect(notifier.cancelled).toBe(true);
  });
});
