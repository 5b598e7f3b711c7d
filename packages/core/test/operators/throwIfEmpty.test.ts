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
