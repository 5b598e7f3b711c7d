import { describe, expect, it } from 'vitest';
import { Flow, lift, range, type Operator, type Publisher, type Subscriber, type Subscription } from '@sluice/core';
import { DrainSubscription, FanInStage, InnerSubscriber, Prefetcher, QueueStage, RingBuffer, UNBOUNDED, type StageSnapshot } from '@sluice/core/engine';
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

/**
 * A custom source of several inputs written only against the door: counts the items of all its inputs and emits
 * the total once every input completed. No onSubscribe, no terminal flags, no snapshot literal of its own.
 */
class CountAll extends FanInStage<number, CountInput> {
  private remaining: number;
  constructor(downstream: Subscriber<number>, count: number) {
    super(downstream);
    this.remaining = count;
    this.inners = Array.from({ length: count }, () => new CountInput(this));
  }
  counted(): void {
    this.receivedItems++;
  }
  inputCompleted(): void {
    this.remaining--;
    this.drain();
  }
  inspect(): StageSnapshot {
    return this.snapshot('countAll');
  }
  protected emitSome(downstream: Subscriber<number>): void {
    if (this.terminateIfStopped() || this.remaining > 0 || this.requested === 0) return;
    this.requested--;
    this.emittedItems++;
    downstream.onNext(this.receivedItems);
    if (!this.cancelled) this.complete();
  }
}

class CountInput extends InnerSubscriber<unknown, CountAll> {
  protected onStart(): void {
    this.requestUpstream(UNBOUNDED);
  }
  protected accept(owner: CountAll): void {
    owner.counted();
  }
  protected ended(owner: CountAll, error: Error | null): void {
    if (error !== null) owner.stop(error);
    else owner.inputCompleted();
  }
}

const countAll = (...inputs: Publisher<unknown>[]): Flow<number> =>
  new Flow<number>((downstream) => {
    const stage = new CountAll(downstream, inputs.length);
    downstream.onSubscribe(stage);
    stage.subscribeAll(inputs.map((input) => toFlow(input)));
  });

describe('@sluice/core/engine: a source of several inputs', () => {
  it('counts every input to its end and emits the total against demand', () => {
    const [a, b] = [new TestPublisher<number>(), new TestPublisher<number>()];
    const s = new TestSubscriber<number>(0);
    countAll(a, b).subscribe(s);
    a.next(1, 2);
    b.next(3);
    a.complete();
    b.complete();
    expect(s.values).toEqual([]);
    expect((s.subscription as unknown as { inspect(): StageSnapshot }).inspect()).toMatchObject({ stage: 'countAll', received: 3, terminated: false });
    s.request(1);
    expect(s.values).toEqual([3]);
    expect(s.completed).toBe(true);
  });

  it('cancels the other inputs at once on the first error, and signals it once', () => {
    const [a, b] = [new TestPublisher<number>(), new TestPublisher<number>()];
    const s = new TestSubscriber<number>(1);
    countAll(a, b).subscribe(s);
    a.error(new Error('a failed'));
    expect(b.cancelled).toBe(true);
    expect(s.log).toEqual(['subscribe', 'request(1)', 'error(Error: a failed)']);
  });

  it('cancels a subscription that arrives after its input ended (§2.5) and ignores a second completion (§1.7)', () => {
    const s = new TestSubscriber<number>(1);
    const stage = new CountAll(s, 1);
    const input = (stage as unknown as { inners: CountInput[] }).inners[0]!;
    let requested = 0;
    let cancelled = 0;
    input.onSubscribe({ request: () => requested++, cancel: () => {} });
    input.onComplete();
    input.onComplete();
    input.onSubscribe({ request: () => requested++, cancel: () => cancelled++ });
    expect([requested, cancelled]).toEqual([1, 1]);
    expect(input.done).toBe(true);
  });

  it('completes at once with no inputs, with a count of zero', () => {
    const s = new TestSubscriber<number>(1);
    countAll().subscribe(s);
    expect(s.values).toEqual([0]);
    expect(s.completed).toBe(true);
  });
});

/** A source on `begin()`/`onBegin()`: counts how often it began; emits one item against demand. */
class OnceSubscription extends DrainSubscription<number> {
  began = 0;
  protected override onBegin(): void {
    this.began++;
  }
  protected emitSome(downstream: Subscriber<number>): void {
    if (this.requested === 0) return;
    downstream.onNext(1);
    if (!this.cancelled) this.complete();
  }
}

describe('@sluice/core/engine: beginning a source', () => {
  it('hands the subscription over (§1.9), then runs onBegin once', () => {
    const s = new TestSubscriber<number>(0);
    const source = new OnceSubscription(s);
    source.begin();
    expect(source.began).toBe(1);
    expect(s.log).toEqual(['subscribe']);
    s.request(1);
    expect(s.log).toEqual(['subscribe', 'request(1)', 'next(1)', 'complete']);
    expect(source.began).toBe(1);
  });

  it('does not run onBegin for a source that already ended inside onSubscribe', () => {
    const s = new TestSubscriber<number>(1);
    const source = new OnceSubscription(s);
    source.begin();
    expect(s.log).toEqual(['subscribe', 'request(1)', 'next(1)', 'complete']);
    expect(source.began).toBe(0);
  });

  it('does not run onBegin when the subscriber cancelled, or failed it with request(0), inside onSubscribe', () => {
    const cancelling = new TestSubscriber<number>({ onSubscribe: (subscription) => subscription.cancel() });
    const first = new OnceSubscription(cancelling);
    first.begin();
    const failing = new TestSubscriber<number>({ onSubscribe: (subscription) => subscription.request(0) });
    const second = new OnceSubscription(failing);
    second.begin();
    expect([first.began, second.began]).toEqual([0, 0]);
    expect(failing.error).toBeInstanceOf(RangeError); // §3.9
  });
});
