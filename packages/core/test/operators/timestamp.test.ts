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
