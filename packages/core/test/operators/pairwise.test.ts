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
