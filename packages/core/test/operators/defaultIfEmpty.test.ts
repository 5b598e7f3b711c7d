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
