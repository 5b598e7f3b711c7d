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
