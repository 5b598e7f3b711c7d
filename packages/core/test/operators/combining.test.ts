// defaultIfEmpty, throwIfEmpty, count, every, some, pairwise, bufferCount, withLatestFrom, race, forkJoin,
// timestamp, timeInterval, mergeWith, concatWith.
import { describe, expect, it } from 'vitest';
import { toFlow } from '../../src/internal/lift';
import { bufferCount } from '../../src/operators/bufferCount';
import { count } from '../../src/operators/count';
import { defaultIfEmpty } from '../../src/operators/defaultIfEmpty';
import { every, some } from '../../src/operators/every';
import { forkJoin } from '../../src/operators/forkJoin';
import { concatWith, mergeWith } from '../../src/operators/mergeWith';
import { pairwise } from '../../src/operators/pairwise';
import { race } from '../../src/operators/race';
import { throwIfEmpty } from '../../src/operators/throwIfEmpty';
import { timeInterval, timestamp } from '../../src/operators/timestamp';
import { withLatestFrom } from '../../src/operators/withLatestFrom';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { interval } from '../../src/sources/interval';
import { of } from '../../src/sources/of';
import { range } from '../../src/sources/range';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';

describe('defaultIfEmpty', () => {
  operatorContract('defaultIfEmpty', { apply: (source) => defaultIfEmpty<number, number>(-1)(source), emitsOnEmpty: true });

  it('passes items through, or emits the default for an empty source', () => {
    const a = new TestSubscriber<number | string>('unbounded');
    range(0, 2).pipe(defaultIfEmpty('none')).subscribe(a);
    expect(a.values).toEqual([0, 1]);
    const b = new TestSubscriber<number | string>('unbounded');
    of<number>().pipe(defaultIfEmpty('none')).subscribe(b);
    expect(b.log).toEqual(['subscribe', 'request(Infinity)', 'next(none)', 'complete']);
  });

  it('holds the default until it is requested (§1.1)', () => {
    const source = new TestPublisher<number>();
    const s = new TestSubscriber<number>();
    toFlow(source).pipe(defaultIfEmpty(7)).subscribe(s);
    source.complete();
    expect(s.log).toEqual(['subscribe']);
    s.request(1);
    expect(s.log).toEqual(['subscribe', 'request(1)', 'next(7)', 'complete']);
  });

  it('an invalid request while the default is held signals §3.9; cancel drops it', () => {
    const source = new TestPublisher<number>();
    const s = new TestSubscriber<number>();
    toFlow(source).pipe(defaultIfEmpty(7)).subscribe(s);
    source.complete();
    s.request(-1);
    expect(s.log.at(-1)).toMatch(/^error\(RangeError: §3\.9/);
    const t = new TestSubscriber<number>();
    const other = new TestPublisher<number>();
    toFlow(other).pipe(defaultIfEmpty(7)).subscribe(t);
    other.complete();
    t.cancel();
    t.request(1);
    expect(t.values).toEqual([]);
    expect(() => defaultIfEmpty(null)).toThrow(TypeError);
  });
});

describe('throwIfEmpty', () => {
  operatorContract('throwIfEmpty', { apply: (source) => throwIfEmpty<number>()(source), failsOnEmpty: true });

  it('fails an empty source with the factory error, or an EmptyError by default', () => {
    const a = new TestSubscriber<number>('unbounded');
    of<number>().pipe(throwIfEmpty(() => new Error('no rows'))).subscribe(a);
    expect(a.log).toEqual(['subscribe', 'request(Infinity)', 'error(Error: no rows)']);
    const b = new TestSubscriber<number>('unbounded');
    of<number>().pipe(throwIfEmpty()).subscribe(b);
    expect(b.log.at(-1)).toMatch(/^error\(EmptyError: throwIfEmpty: the source completed without emitting any item/);
    const c = new TestSubscriber<number>('unbounded');
    of<number>().pipe(throwIfEmpty(() => { throw new Error('factory threw'); })).subscribe(c);
    expect(c.log.at(-1)).toBe('error(Error: factory threw)');
  });
});

describe('count, every, some', () => {
  operatorContract('count', { apply: (source) => count<number>()(source), upstreamBound: () => Infinity, emitsOnEmpty: true, emitsAtCompletion: true });
  operatorContract('every', { apply: (source) => every<number>((x) => x >= 0)(source), upstreamBound: () => Infinity, emitsOnEmpty: true, emitsAtCompletion: true });
  operatorContract('some', { apply: (source) => some<number>((x) => x < 0)(source), upstreamBound: () => Infinity, emitsOnEmpty: true, emitsAtCompletion: true });

  it('count counts all items or the matching ones', () => {
    const a = new TestSubscriber<number>('unbounded');
    range(0, 10).pipe(count()).subscribe(a);
    expect(a.values).toEqual([10]);
    const b = new TestSubscriber<number>('unbounded');
    range(0, 10).pipe(count((x) => x % 2 === 0)).subscribe(b);
    expect(b.values).toEqual([5]);
  });

  it('every answers false at the first failing item and reads nothing after it', () => {
    const source = new TestPublisher<number>();
    const s = new TestSubscriber<boolean>(1);
    toFlow(source).pipe(every((x) => x % 2 === 0)).subscribe(s);
    source.next(2, 4, 5);
    expect(source.cancelled).toBe(true);
    expect(s.log).toEqual(['subscribe', 'request(1)', 'next(false)', 'complete']);
    const t = new TestSubscriber<boolean>('unbounded');
    of<number>().pipe(every(() => false)).subscribe(t);
    expect(t.values).toEqual([true]);
  });

  it('some answers true at the first matching item, false for none', () => {
    const a = new TestSubscriber<boolean>('unbounded');
    range(0, 1_000_000).pipe(some((x) => x === 3)).subscribe(a);
    expect(a.log).toEqual(['subscribe', 'request(Infinity)', 'next(true)', 'complete']);
    const b = new TestSubscriber<boolean>('unbounded');
    range(0, 5).pipe(some((x) => x > 10)).subscribe(b);
    expect(b.values).toEqual([false]);
  });
});

describe('pairwise', () => {
  operatorContract('pairwise', { apply: (source) => pairwise<number>()(source), upstreamBound: (n) => n + 1, itemsPerOutput: 2 });

  it('emits [previous, current] from the second item on', () => {
    const s = new TestSubscriber<[number, number]>('unbounded');
    range(1, 4).pipe(pairwise()).subscribe(s);
    expect(s.values).toEqual([[1, 2], [2, 3], [3, 4]]);
  });

  it('asks for one extra item on the first request only', () => {
    const source = new TestPublisher<number>();
    const s = new TestSubscriber<[number, number]>(2);
    toFlow(source).pipe(pairwise()).subscribe(s);
    s.request(3);
    expect(source.requests).toEqual([3, 3]);
  });
});

describe('bufferCount', () => {
  operatorContract('bufferCount(3, 1)', { apply: (source) => bufferCount<number>(3, 1)(source), upstreamBound: (n) => 3 + (n - 1), itemsPerOutput: 3 });
  operatorContract('bufferCount(2, 3)', { apply: (source) => bufferCount<number>(2, 3)(source), upstreamBound: (n) => 2 + (n - 1) * 3, itemsPerOutput: 2 });

  it('overlapping arrays, then the partial ones at completion', () => {
    const s = new TestSubscriber<number[]>('unbounded');
    range(1, 5).pipe(bufferCount(3, 1)).subscribe(s);
    expect(s.values).toEqual([[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5], [5]]);
  });

  it('skipping arrays drop the items between them', () => {
    const s = new TestSubscriber<number[]>('unbounded');
    range(1, 7).pipe(bufferCount(2, 3)).subscribe(s);
    expect(s.values).toEqual([[1, 2], [4, 5], [7]]);
  });

  it('asks for exactly what fills n arrays, and emits the partial arrays only against demand', () => {
    const source = new TestPublisher<number>();
    const s = new TestSubscriber<number[]>(2);
    toFlow(source).pipe(bufferCount(3, 1)).subscribe(s);
    expect(source.requests).toEqual([4]); // 3 + (2 - 1) × 1
    source.next(1, 2, 3, 4).complete();
    expect(s.values).toEqual([[1, 2, 3], [2, 3, 4]]);
    expect(s.completed).toBe(false); // [3, 4] and [4] wait for demand
    s.request(1);
    expect(s.values.at(-1)).toEqual([3, 4]);
    s.request(5);
    expect(s.log.slice(-2)).toEqual(['next(4)', 'complete']);
  });

  it('every === size is buffer(size); bad sizes are rejected', () => {
    const s = new TestSubscriber<number[]>('unbounded');
    range(1, 5).pipe(bufferCount(2)).subscribe(s);
    expect(s.values).toEqual([[1, 2], [3, 4], [5]]);
    expect(() => bufferCount(0)).toThrow(RangeError);
    expect(() => bufferCount(2, 0)).toThrow(RangeError);
  });
});

describe('withLatestFrom', () => {
  operatorContract('withLatestFrom', { apply: (source) => withLatestFrom<number, [string]>(of('a'))(source) });

  it('combines each item with the latest of the others, dropping items before every other has a value', () => {
    const source = new TestPublisher<number>();
    const other = new TestPublisher<string>();
    const s = new TestSubscriber<[number, string]>(10);
    toFlow(source).pipe(withLatestFrom(other)).subscribe(s);
    expect(other.requests).toEqual([Number.MAX_SAFE_INTEGER]); // sampled: unbounded, one value kept
    source.next(1); // dropped, replaced
    other.next('a');
    source.next(2);
    other.next('b', 'c');
    source.next(3).complete();
    expect(s.values).toEqual([[2, 'a'], [3, 'c']]);
    expect(source.requests).toEqual([10, 1]);
    expect(other.cancelled).toBe(true);
  });

  it('an error from another cancels the source and fails the result', () => {
    const source = new TestPublisher<number>();
    const other = new TestPublisher<string>();
    const s = new TestSubscriber<[number, string]>(1);
    toFlow(source).pipe(withLatestFrom(other)).subscribe(s);
    other.error(new Error('other failed'));
    expect(source.cancelled).toBe(true);
    expect(s.log.at(-1)).toBe('error(Error: other failed)');
  });
});

describe('race', () => {
  it('mirrors the first to signal and cancels the others', () => {
    const a = new TestPublisher<number>();
    const b = new TestPublisher<number>();
    const s = new TestSubscriber<number>(5);
    race(a, b).subscribe(s);
    expect(a.requests).toEqual([5]);
    expect(b.requests).toEqual([5]);
    b.next(10);
    expect(a.cancelled).toBe(true);
    b.next(11).complete();
    expect(s.log).toEqual(['subscribe', 'request(5)', 'next(10)', 'next(11)', 'complete']);
  });

  it('after a winner, requests go to it alone; an error can win too', () => {
    const a = new TestPublisher<number>();
    const b = new TestPublisher<number>();
    const s = new TestSubscriber<number>(1);
    race(a, b).subscribe(s);
    a.next(1);
    s.request(2);
    expect(a.requests).toEqual([1, 2]);
    expect(b.requests).toEqual([1]);
    const c = new TestPublisher<number>();
    const d = new TestPublisher<number>();
    const t = new TestSubscriber<number>(1);
    race(c, d).subscribe(t);
    d.error(new Error('d failed first'));
    expect(c.cancelled).toBe(true);
    expect(t.log.at(-1)).toBe('error(Error: d failed first)');
  });

  it('a synchronous winner stops the later ones from being subscribed; race() completes', () => {
    const late = new TestPublisher<number>();
    const s = new TestSubscriber<number>('unbounded');
    race(range(0, 2), late).subscribe(s);
    expect(s.values).toEqual([0, 1]);
    expect(late.subscriberCount).toBe(0);
    const empty = new TestSubscriber<number>('unbounded');
    race().subscribe(empty);
    expect(empty.log).toEqual(['subscribe', 'request(Infinity)', 'complete']);
  });

  it('an invalid request cancels every contender and signals §3.9; cancel cancels all', () => {
    const a = new TestPublisher<number>();
    const b = new TestPublisher<number>();
    const s = new TestSubscriber<number>();
    race(a, b).subscribe(s);
    s.request(0);
    expect(a.cancelled && b.cancelled).toBe(true);
    expect(s.log.at(-1)).toMatch(/^error\(RangeError: §3\.9/);
    const c = new TestPublisher<number>();
    const t = new TestSubscriber<number>(1);
    race(c).subscribe(t);
    t.cancel();
    expect(c.cancelled).toBe(true);
  });
});

describe('forkJoin', () => {
  it('emits the last items of all, once, when all completed', () => {
    const a = new TestPublisher<number>();
    const b = new TestPublisher<string>();
    const s = new TestSubscriber<[number, string]>(1);
    forkJoin(a, b).subscribe(s);
    expect(a.requests).toEqual([Number.MAX_SAFE_INTEGER]);
    a.next(1, 2, 3).complete();
    b.next('x');
    expect(s.values).toEqual([]);
    b.next('y').complete();
    expect(s.log).toEqual(['subscribe', 'request(1)', 'next(3,y)', 'complete']);
  });

  it('takes an object and emits an object; holds the result until it is requested', () => {
    const s = new TestSubscriber<{ n: number; s: string }>();
    forkJoin({ n: range(0, 3), s: of('a', 'b') }).subscribe(s);
    expect(s.values).toEqual([]);
    s.request(1);
    expect(s.values).toEqual([{ n: 2, s: 'b' }]);
    expect(s.completed).toBe(true);
  });

  it('a source that completes empty completes the result empty and cancels the others', () => {
    const pending = new TestPublisher<number>();
    const s = new TestSubscriber<[number, number]>('unbounded');
    forkJoin(pending, of<number>()).subscribe(s);
    expect(pending.cancelled).toBe(true);
    expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'complete']);
  });

  it('the first error cancels the others and fails the result; forkJoin() completes', () => {
    const a = new TestPublisher<number>();
    const b = new TestPublisher<number>();
    const s = new TestSubscriber<[number, number]>(1);
    forkJoin(a, b).subscribe(s);
    a.error(new Error('a failed'));
    expect(b.cancelled).toBe(true);
    expect(s.log.at(-1)).toBe('error(Error: a failed)');
    const t = new TestSubscriber<[]>('unbounded');
    forkJoin().subscribe(t);
    expect(t.completed).toBe(true);
    expect(() => forkJoin(1 as never)).toThrow(/argument 0 is not a Publisher/);
    expect(() => forkJoin({ a: 1 } as never)).toThrow(/key 'a' is not a Publisher/);
  });
});

describe('timestamp and timeInterval', () => {
  it('stamp items with the scheduler clock', () => {
    const scheduler = new VirtualTimeScheduler();
    const s = new TestSubscriber<{ value: number; timestamp: number }>('unbounded');
    interval(10, { scheduler }).pipe(timestamp({ scheduler })).subscribe(s);
    scheduler.advanceBy(25);
    expect(s.values).toEqual([{ value: 0, timestamp: 10 }, { value: 1, timestamp: 20 }]);
    s.cancel();
  });

  it('timeInterval measures from subscription, then between items, per subscription', () => {
    const scheduler = new VirtualTimeScheduler();
    scheduler.advanceBy(100);
    const s = new TestSubscriber<{ value: number; interval: number }>('unbounded');
    interval(10, { scheduler }).pipe(timeInterval({ scheduler })).subscribe(s);
    scheduler.advanceBy(20);
    expect(s.values).toEqual([{ value: 0, interval: 10 }, { value: 1, interval: 10 }]);
    s.cancel();
  });
});

describe('mergeWith and concatWith', () => {
  it('are merge and concat with the source first', () => {
    const a = new TestSubscriber<number | string>('unbounded');
    range(0, 2).pipe(concatWith(of('x'), range(5, 1))).subscribe(a);
    expect(a.values).toEqual([0, 1, 'x', 5]);
    const b = new TestSubscriber<number | string>('unbounded');
    range(0, 2).pipe(mergeWith(of('x'))).subscribe(b);
    expect([...b.values].sort()).toEqual([0, 1, 'x']);
    expect(() => mergeWith(3 as never)).toThrow(/mergeWith: argument 0 is not a Publisher/);
  });
});
