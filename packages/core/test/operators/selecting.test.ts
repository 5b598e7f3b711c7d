// skipWhile, skipUntil, takeUntil, takeLast, first, last, elementAt, ignoreElements, distinct.
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
