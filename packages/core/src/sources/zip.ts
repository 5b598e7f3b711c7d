import { Flow } from '../Flow';
import { overDeliveryError } from '../internal/errors';
import { FanInStage } from '../internal/FanInStage';
import { InnerSubscriber } from '../internal/InnerSubscriber';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import { toFlows } from '../internal/lift';
import { Prefetcher } from '../internal/Prefetcher';
import { RingBuffer } from '../internal/RingBuffer';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

const PREFETCH = 32;

/**
 * Combines the publishers' items by position: the first item of each, then the second of each, … as arrays.
 *
 * ```
 * a:    1--2-----3|
 * b:    -x---y-z----
 * zip:  -[1,x]-[2,y]--[3,z]|
 * ```
 *
 * **Demand**: each source gets 32 up front, replenished in batches at 75% as its items are used; its items wait in
 * a bounded queue of 32. One array is emitted per downstream request once every queue holds an item.
 * **Errors**: the first error from any source cancels the others and is signalled at once. **Completion**: as soon
 * as any source has completed and its queue is empty (no further array can be made), the others are cancelled and
 * the downstream completes. `zip()` with no sources completes at once. **Cancellation**: cancels every source.
 *
 * @example
 * zip(range(1, 3), range(10, 2)); // [1, 10], [2, 11]
 */
export function zip<A extends unknown[]>(...publishers: { [K in keyof A]: Publisher<A[K]> }): Flow<A> {
  const flows = toFlows('zip', (publishers as Publisher<unknown>[]));
  return new Flow<A>((downstream) => {
    const subscription = new ZipSubscription(downstream as Subscriber<unknown[]>, flows.length);
    downstream.onSubscribe(subscription);
    subscription.subscribeAll(flows);
  });
}

class ZipSubscription extends FanInStage<unknown[], ZipInner> implements Inspectable {
  constructor(downstream: Subscriber<unknown[]>, count: number) {
    super(downstream);
    this.inners = Array.from({ length: count }, () => new ZipInner(this));
  }

  /** An item arrived from an input. */
  arrived(): void {
    this.receivedItems++;
    this.drain();
  }

  protected emitSome(downstream: Subscriber<unknown[]>): void {
    const inners = this.inners;
    for (;;) {
      if (this.terminateIfStopped()) return;
      let ready = true;
      for (const inner of inners) {
        if (inner.queue.isEmpty) {
          if (inner.done) return this.complete(); // no further array can be made
          ready = false;
        }
      }
      if (inners.length === 0) return this.complete(); // nothing to zip
      if (!ready || this.requested === 0) return;
      const tuple = inners.map((inner) => inner.queue.poll());
      this.requested--;
      this.emittedItems++;
      downstream.onNext(tuple);
      if (this.cancelled) return;
      for (const inner of inners) inner.consumedOne();
    }
  }

  protected override get capacity(): number {
    return this.inners.length * PREFETCH;
  }

  protected override get buffered(): number {
    let buffered = 0;
    for (const inner of this.inners) buffered += inner.queue.size;
    return buffered;
  }

  inspect(): StageSnapshot {
    return this.snapshot('zip');
  }
}

class ZipInner extends InnerSubscriber<unknown, ZipSubscription> {
  readonly queue = new RingBuffer<unknown>(PREFETCH);
  private readonly prefetcher = new Prefetcher(PREFETCH);

  override get upstreamRequested(): number {
    return this.done ? 0 : this.prefetcher.outstanding;
  }

  protected onStart(): void {
    this.requestUpstream(this.prefetcher.start());
  }

  protected accept(owner: ZipSubscription, value: unknown): void {
    if (!this.prefetcher.arrived() || !this.queue.offer(value)) {
      return owner.stop(overDeliveryError('a source of zip', this.prefetcher.outstanding)); // §1.1
    }
    owner.arrived();
  }

  protected ended(owner: ZipSubscription, error: Error | null): void {
    if (error !== null) owner.stop(error);
    else owner.inputChanged(); // the drain completes once this queue is empty
  }

  /** One queued item went into an array: replenish at 75%. */
  consumedOne(): void {
    const n = this.prefetcher.consumedOne();
    if (n > 0) this.requestUpstream(n);
  }

  protected override onCancel(): void {
    this.queue.clear(); // §3.13
  }
}
