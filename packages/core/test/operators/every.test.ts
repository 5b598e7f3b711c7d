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

describe('every and some', () => {
  operatorContract('every', { apply: (source) => every<number>((x) => x >= 0)(source), upstreamBound: () => Infinity, emitsOnEmpty: true, emitsAtCompletion: true });
  operatorContract('some', { apply: (source) => some<number>((x) => x < 0)(source), upstreamBound: () => Infinity, emitsOnEmpty: true, emitsAtCompletion: true });


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
