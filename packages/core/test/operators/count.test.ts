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


describe('count', () => {
  operatorContract('count', { apply: (source) => count<number>()(source), upstreamBound: () => Infinity, emitsOnEmpty: true, emitsAtCompletion: true });
  it('count counts all items or the matching ones', () => {
    const a = new TestSubscriber<number>('unbounded');
    range(0, 10).pipe(count()).subscribe(a);
    expect(a.values).toEqual([10]);
    const b = new TestSubscriber<number>('unbounded');
    range(0, 10).pipe(count((x) => x % 2 === 0)).subscribe(b);
    expect(b.values).toEqual([5]);
  });
});
