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
import { startWith } from '../../src/operators/startWith';
import { throwIfEmpty } from '../../src/operators/throwIfEmpty';
import { timeInterval, timestamp } from '../../src/operators/timestamp';
import { withLatestFrom } from '../../src/operators/withLatestFrom';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { interval } from '../../src/sources/interval';
import { of } from '../../src/sources/of';
import { range } from '../../src/sources/range';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';

describe('race', () => {
  it('mirrors the first to signal and cancels the others', () => {
    const a = new TestPublisher<number>();
    const b = new TestPublisher<number>();
    const s = new TestSubscriber<number>(5);
    race(a, b).subscribe(s);
    expect(a.requests).toEqual([5]);
    expect(b.requests).toEqual([5]);
    b.next(10);
    expect(a.cancelled).toBe(true);
    b.next(11).complete();
    expect(s.log).toEqual(['subscribe', 'request(5)', 'next(10)', 'next(11)', 'complete']);
  });

  it('after a winner, requests go to it alone; an error can win too', () => {
    const a = new TestPublisher<number>();
    const b = new TestPublisher<number>();
    const s = new TestSubscriber<number>(1);
    race(a, b).subscribe(s);
    a.next(1);
    s.request(2);
    expect(a.requests).toEqual([1, 2]);
    expect(b.requests).toEqual([1]);
    const c = new TestPublisher<number>();
    const d = new TestPublisher<number>();
    const t = new TestSubscriber<number>(1);
    race(c, d).subscribe(t);
    d.error(new Error('d failed first'));
    expect(c.cancelled).toBe(true);
    expect(t.log.at(-1)).toBe('error(Error: d failed first)');
  });

  it('a synchronous winner stops the later ones from being subscribed; race() completes', () => {
    const late = new TestPublisher<number>();
    const s = new TestSubscriber<number>('unbounded');
    race(range(0, 2), late).subscribe(s);
    expect(s.values).toEqual([0, 1]);
    expect(late.subscriberCount).toBe(0);
    const empty = new TestSubscriber<number>('unbounded');
    race().subscribe(empty);
    expect(empty.log).toEqual(['subscribe', 'request(Infinity)', 'complete']);
  });

  it('a synchronous winner that has not completed also stops the later ones from being subscribed', () => {
    const first = new TestPublisher<number>();
    const late = new TestPublisher<number>();
    const s = new TestSubscriber<number>('unbounded');
    const reported = captureReportedErrors();
    try {
      race(toFlow(first).pipe(startWith(7)), late).subscribe(s);
      expect(s.values).toEqual([7]);
      expect(late.subscriberCount).toBe(0);
      expect(reported.errors).toEqual([]);
      first.next(8);
      expect(s.values).toEqual([7, 8]);
    } finally {
      reported.restore();
    }
  });

  it('an invalid request cancels every contender and signals §3.9; cancel cancels all', () => {
    const a = new TestPublisher<number>();
    const b = new TestPublisher<number>();
    const s = new TestSubscriber<number>();
    race(a, b).subscribe(s);
    s.request(0);
    expect(a.cancelled && b.cancelled).toBe(true);
    expect(s.log.at(-1)).toMatch(/^error\(RangeError: §3\.9/);
    const c = new TestPublisher<number>();
    const t = new TestSubscriber<number>(1);
    race(c).subscribe(t);
    t.cancel();
    expect(c.cancelled).toBe(true);
  });
});
