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
