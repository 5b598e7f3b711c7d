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
