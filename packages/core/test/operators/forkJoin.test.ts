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
