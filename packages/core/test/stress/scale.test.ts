// Stack and scale (issue #8): long synchronous runs, reentrant request(1) storms and deep operator chains must not
// grow the stack (§3.3) or slow to a crawl. Each case stays within a few seconds on a small CI machine.
import { describe, expect, it } from 'vitest';
import type { Flow, Operator } from '../../src/Flow';
import { filter } from '../../src/operators/filter';
import { map } from '../../src/operators/map';
import { scan } from '../../src/operators/scan';
import { skip } from '../../src/operators/skip';
import { take } from '../../src/operators/take';
import { takeWhile } from '../../src/operators/takeWhile';
import { tap } from '../../src/operators/tap';
import { concatMap } from '../../src/operators/concatMap';
import { mergeMap } from '../../src/operators/mergeMap';
import { of } from '../../src/sources/of';
import { empty } from '../../src/sources/empty';
import { concat } from '../../src/sources/concat';
import { merge } from '../../src/sources/merge';
import { zip } from '../../src/sources/zip';
import { switchMap } from '../../src/operators/switchMap';
import { exhaustMap } from '../../src/operators/exhaustMap';
import { repeat } from '../../src/operators/repeat';
import { groupBy } from '../../src/operators/groupBy';
import { reduce } from '../../src/operators/reduce';
import { range } from '../../src/sources/range';
import type { Subscriber } from '../../src/spec/Subscriber';
import type { Subscription } from '../../src/spec/Subscription';

/** A lean subscriber for long runs: counts, keeps the last value, checks demand, optionally requests from onNext. */
class Counter<T> implements Subscriber<T> {
  count = 0;
  last: T | undefined;
  completed = false;
  error: Error | null = null;
  requested = 0;
  violations = 0;
  private subscription: Subscription | null = null;
  private depth = 0;
  maxDepth = 0;

  constructor(private readonly initial: number, private readonly requestOnNext = 0) {}

  onSubscribe(subscription: Subscription): void {
    this.subscription = subscription;
    this.request(this.initial);
  }
  onNext(value: T): void {
    if (++this.depth > this.maxDepth) this.maxDepth = this.depth;
    if (this.count >= this.requested) this.violations++;
    this.count++;
    this.last = value;
    if (this.requestOnNext > 0) this.request(this.requestOnNext);
    this.depth--;
  }
  onError(error: Error): void {
    this.error = error;
  }
  onComplete(): void {
    this.completed = true;
  }
  request(n: number): void {
    this.requested += n;
    this.subscription!.request(n);
  }
}

function chain<T>(source: Flow<T>, operators: Operator<any, any>[]): Flow<unknown> {
  let flow: Flow<unknown> = source;
  for (const op of operators) flow = flow.pipe(op);
  return flow;
}

describe('stack and scale', () => {
  it('moves 10,000,000 synchronous items through a 5-operator chain', () => {
    const s = new Counter<number>(Infinity);
    range(0, 10_000_000)
      .pipe(map((x) => x + 1), filter((x) => x > 0), map((x) => x % 3), scan((a, x) => a + x, 0), take(10_000_000))
      .subscribe(s);
    expect(s.error).toBeNull();
    expect(s.completed).toBe(true);
    expect(s.count).toBe(10_000_000); // every item went through all five stages
    expect(s.last).toBe(10_000_000); // k % 3 for k = 1..10^7: 3,333,333 triples of 1 + 2 + 0, then 10^7 % 3 = 1
  }, 20_000);

  it('serves 1,000,000 reentrant request(1) calls from inside onNext with onNext depth 1', () => {
    const s = new Counter<number>(1, 1);
    range(0, 1_000_000).subscribe(s);
    expect(s.completed).toBe(true);
    expect(s.count).toBe(1_000_000);
    expect(s.maxDepth).toBe(1);
    expect(s.violations).toBe(0);
  });

  it('serves 1,000,000 reentrant request(1) calls through a pass-through chain with onNext depth 1', () => {
    const s = new Counter<number>(1, 1);
    range(0, 1_000_000).pipe(map((x) => x * 2), filter((x) => x % 4 === 0), tap(() => {}), skip(1)).subscribe(s);
    expect(s.completed).toBe(true);
    expect(s.count).toBe(499_999);
    expect(s.maxDepth).toBe(1);
    expect(s.violations).toBe(0);
  });

  it('serves 1,000,000 reentrant request(1) calls through concatMap and mergeMap with onNext depth 1', () => {
    const s = new Counter<number>(1, 1);
    range(0, 500_000).pipe(concatMap((x) => of(x, x)), mergeMap((x) => of(x), { concurrency: 2 })).subscribe(s);
    expect(s.completed).toBe(true);
    expect(s.count).toBe(1_000_000);
    expect(s.maxDepth).toBe(1);
    expect(s.violations).toBe(0);
  }, 20_000);

  it('runs a chain of 1,000 maps', () => {
    const s = new Counter<number>(Infinity);
    chain(range(0, 10_000), Array.from({ length: 1_000 }, () => map((x: number) => x + 1))).subscribe(s as Subscriber<unknown>);
    expect(s.completed).toBe(true);
    expect(s.count).toBe(10_000);
    expect(s.last).toBe(9_999 + 1_000);
  });

  it('runs a chain of 1,000 filters', () => {
    const s = new Counter<number>(Infinity);
    chain(range(0, 10_000), Array.from({ length: 1_000 }, (_, i) => filter((x: number) => x % 1_000 !== i % 1_000 || i < 500))).subscribe(s as Subscriber<unknown>);
    expect(s.completed).toBe(true);
    expect(s.count).toBe(5_000);
  });

  it('runs a mixed chain of 1,000 operators with bounded demand and reentrant request(1)', () => {
    const kinds = [
      () => map((x: number) => x + 1),
      () => filter((x: number) => x >= 0),
      () => tap(() => {}),
      () => takeWhile((x: number) => x < Number.MAX_SAFE_INTEGER),
      () => skip(0),
      () => take(1_000_000),
    ];
    const ops = Array.from({ length: 1_000 }, (_, i) => kinds[i % kinds.length]!());
    const s = new Counter<number>(1, 1);
    chain(range(0, 5_000), ops).subscribe(s as Subscriber<unknown>);
    expect(s.completed).toBe(true);
    expect(s.count).toBe(5_000);
    expect(s.maxDepth).toBe(1);
    expect(s.violations).toBe(0);
  });

  it('cancels a chain of 1,000 maps from inside onNext', () => {
    let cancelled = 0;
    const s: Subscriber<unknown> & { sub?: Subscription } = {
      onSubscribe: (sub) => { s.sub = sub; sub.request(10); },
      onNext: () => { s.sub!.cancel(); cancelled++; },
      onError: (e) => { throw e; },
      onComplete: () => {},
    };
    chain(range(0, 100), Array.from({ length: 1_000 }, () => map((x: number) => x))).subscribe(s);
    expect(cancelled).toBe(1);
  });

  it('concatenates 20,000 synchronous sources without recursing per source', () => {
    const s = new Counter<number>(1, 1);
    concat(...Array.from({ length: 20_000 }, (_, i) => of(i))).subscribe(s);
    expect(s.completed).toBe(true);
    expect(s.count).toBe(20_000);
    expect(s.maxDepth).toBe(1);
  });

  it('merges 2,000 synchronous sources', () => {
    const s = new Counter<number>(Infinity);
    merge(...Array.from({ length: 2_000 }, (_, i) => range(i * 10, 10))).subscribe(s);
    expect(s.completed).toBe(true);
    expect(s.count).toBe(20_000);
  });

  it('zips two 1,000,000-item sources with reentrant request(1)', () => {
    const s = new Counter<[number, number]>(1, 1);
    zip(range(0, 1_000_000), range(0, 1_000_000)).subscribe(s);
    expect(s.completed).toBe(true);
    expect(s.count).toBe(1_000_000);
    expect(s.maxDepth).toBe(1);
  }, 20_000);

  it('switches and exhausts through 300,000 synchronous inners with reentrant request(1)', () => {
    const a = new Counter<number>(1, 1);
    range(0, 300_000).pipe(switchMap((x) => of(x))).subscribe(a);
    expect(a.completed).toBe(true);
    expect(a.count).toBe(300_000);
    const b = new Counter<number>(1, 1);
    range(0, 300_000).pipe(exhaustMap((x) => of(x))).subscribe(b);
    expect(b.completed).toBe(true);
    expect(b.count).toBe(300_000);
    expect(Math.max(a.maxDepth, b.maxDepth)).toBe(1);
  }, 20_000);

  it('repeats an empty source 1,000,000 times and a one-item source 200,000 times in constant stack', () => {
    const a = new Counter<number>(Infinity);
    empty<number>().pipe(repeat(1_000_000)).subscribe(a);
    expect(a.completed).toBe(true);
    const b = new Counter<number>(1, 1);
    of(1).pipe(repeat(200_000)).subscribe(b);
    expect(b.completed).toBe(true);
    expect(b.count).toBe(200_000);
    expect(b.maxDepth).toBe(1);
  }, 20_000);

  it('groups 1,000,000 items into 1,000 groups', () => {
    const s = new Counter<number>(Infinity);
    range(0, 1_000_000).pipe(groupBy((x) => x % 1_000, { maxGroups: 1_000 }), mergeMap((g) => g.pipe(reduce((a, x) => a + x, 0)), { concurrency: 1_000 })).subscribe(s as Subscriber<unknown>);
    expect(s.error).toBeNull();
    expect(s.completed).toBe(true);
    expect(s.count).toBe(1_000);
  }, 20_000);
});
