import { describe, expect, it } from 'vitest';
import { DroppingSubscriber } from '../../src/internal/DroppingSubscriber';
import { lift } from '../../src/internal/lift';
import type { Publisher } from '../../src/spec/Publisher';
import type { Subscriber } from '../../src/spec/Subscriber';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';

/** Drops odd numbers: the smallest possible DroppingSubscriber. */
class EvenSubscriber extends DroppingSubscriber<number> {
  onNext(value: number): void {
    if (value % 2 === 0) this.downstream.onNext(value);
    else this.dropped();
  }
}

const evens = (source: Publisher<number>) => lift(source, (downstream: Subscriber<number>) => new EvenSubscriber(downstream));

describe('DroppingSubscriber', () => {
  it('requests one replacement upstream for each dropped item while demand is bounded', () => {
    const upstream = new TestPublisher<number>();
    const s = new TestSubscriber<number>(2);
    evens(upstream).subscribe(s);
    upstream.next(1, 2, 3);
    expect(upstream.requests).toEqual([2, 1, 1]);
    expect(s.values).toEqual([2]);
  });

  it('stops requesting replacements after a request at or above Number.MAX_SAFE_INTEGER', () => {
    const upstream = new TestPublisher<number>();
    const s = new TestSubscriber<number>(1);
    evens(upstream).subscribe(s);
    s.request(Number.MAX_SAFE_INTEGER);
    upstream.next(1, 3, 4);
    expect(upstream.requests).toEqual([1, Number.MAX_SAFE_INTEGER]);
    expect(s.values).toEqual([4]);
  });

  it('requests no replacement for an item that arrives after a terminal signal', () => {
    const requests: number[] = [];
    const s = new TestSubscriber<number>(1);
    const stage = new EvenSubscriber(s);
    stage.onSubscribe({ request: (n) => requests.push(n), cancel: () => {} });
    stage.onComplete();
    stage.onNext(1);
    expect(requests).toEqual([1]);
    expect(s.log).toEqual(['subscribe', 'request(1)', 'complete']);
  });
});
