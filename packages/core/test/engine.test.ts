import { describe, expect, it } from 'vitest';
import { lift, range, type Operator, type Publisher, type Subscriber, type Subscription } from '@sluice/core';
import { Prefetcher, QueueStage, RingBuffer, type StageSnapshot } from '@sluice/core/engine';
import { TestPublisher } from '../src/testing/TestPublisher';
import { TestSubscriber } from '../src/testing/TestSubscriber';
import { toFlow } from '../src/internal/lift';
import { operatorContract } from './contract/operatorContract';

/**
 * A custom queue operator written only against the public door `@sluice/core/engine`: prefetches `prefetch`
 * items, refills at 75%, emits against demand. No onSubscribe/onError/onComplete of its own.
 */
class AheadStage<T> extends QueueStage<T, T> {
  private readonly queue: RingBuffer<T>;
  private readonly prefetcher: Prefetcher;
  constructor(downstream: Subscriber<T>, prefetch: number) {
    super(downstream);
    this.queue = new RingBuffer<T>(prefetch);
    this.prefetcher = new Prefetcher(prefetch);
  }
  protected override onUpstream(subscription: Subscription): void {
    subscription.request(this.prefetcher.start());
  }
  protected accept(item: T): void {
    this.prefetcher.arrived();
    this.queue.offer(item);
    this.drain();
  }
  inspect(): StageSnapshot {
    return this.snapshot('ahead');
  }
  protected override get buffered(): number {
    return this.queue.size;
  }
  protected override get upstreamRequested(): number {
    return this.done ? 0 : this.prefetcher.outstanding;
  }
  protected emitSome(downstream: Subscriber<T>): void {
    while (this.requested > 0 && this.queue.size > 0) {
      this.requested--;
      this.emittedItems++;
      downstream.onNext(this.queue.poll()!);
      if (this.cancelled) return;
      const more = this.done ? 0 : this.prefetcher.consumedOne();
      if (more > 0) this.upstream!.request(more);
      if (this.cancelled) return;
    }
    this.terminateWhenDone(this.queue.size === 0);
  }
  protected override dispose(): void {
    this.queue.clear();
    super.dispose();
  }
}

const ahead = <T>(prefetch: number): Operator<T, T> => (source: Publisher<T>) =>
  lift(source, (downstream: Subscriber<T>) => new AheadStage<T>(downstream, prefetch));

describe('@sluice/core/engine', () => {
  operatorContract('ahead (engine door)', { apply: (source) => ahead<number>(8)(source), upstreamBound: () => 8 });

  it('requests the prefetch up front and refills in 75% steps as items go out', () => {
    const source = new TestPublisher<number>();
    const s = new TestSubscriber<number>(0);
    toFlow(source).pipe(ahead(8)).subscribe(s);
    expect(source.requests).toEqual([8]);
    for (let i = 0; i < 8; i++) source.next(i);
    s.request(5);
    expect(s.values).toEqual([0, 1, 2, 3, 4]);
    expect(source.requests).toEqual([8]);
    s.request(1);
    expect(source.requests).toEqual([8, 6]);
  });

  it('delivers the buffer before completion and derives its snapshot', () => {
    const source = new TestPublisher<number>();
    const s = new TestSubscriber<number>(0);
    const flow = toFlow(source).pipe(ahead(4));
    flow.subscribe(s);
    source.next(1);
    source.next(2);
    source.complete();
    expect(s.completed).toBe(false);
    const stage = s.subscription as unknown as { inspect(): StageSnapshot };
    expect(stage.inspect()).toMatchObject({ stage: 'ahead', buffered: 2, received: 2, emitted: 0, upstreamRequested: 0, terminated: false, cancelled: false });
    s.request(10);
    expect(s.values).toEqual([1, 2]);
    expect(s.completed).toBe(true);
    expect(stage.inspect()).toMatchObject({ buffered: 0, emitted: 2, terminated: true, cancelled: false });
  });

  it('cancels a second upstream subscription (§2.5) and ignores a second completion (§1.7)', () => {
    const s = new TestSubscriber<number>(Infinity);
    const stage = new AheadStage<number>(s, 4);
    let first = 0;
    let second = 0;
    stage.onSubscribe({ request: () => first++, cancel: () => {} });
    stage.onSubscribe({ request: () => {}, cancel: () => second++ });
    expect(second).toBe(1);
    stage.onComplete();
    stage.onComplete();
    expect(s.completed).toBe(true);
    expect(first).toBe(1);
  });

  it('runs a synchronous source to the end with bounded upstream demand', () => {
    const s = new TestSubscriber<number>(Infinity);
    range(0, 1000).pipe(ahead(16)).subscribe(s);
    expect(s.values.length).toBe(1000);
    expect(s.completed).toBe(true);
  });
});
