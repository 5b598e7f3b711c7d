import { Flow } from '../Flow';
import { replenishAt } from '../internal/demand';
import { DrainSubscription } from '../internal/DrainSubscription';
import { nullArgumentError, overDeliveryError } from '../internal/errors';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import { toFlows } from '../internal/lift';
import { reportDroppedError, reportError } from '../internal/report';
import { RingBuffer } from '../internal/RingBuffer';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';

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

class ZipSubscription extends DrainSubscription<unknown[]> implements Inspectable {
  private inners: ZipInner[];
  private error: Error | null = null;
  /** Items received from all sources together. */
  received = 0;

  constructor(downstream: Subscriber<unknown[]>, count: number) {
    super(downstream);
    this.inners = Array.from({ length: count }, () => new ZipInner(this, PREFETCH));
  }

  subscribeAll(flows: readonly Flow<unknown>[]): void {
    if (flows.length === 0) return this.drain(); // nothing to zip: complete at once
    for (let i = 0; i < flows.length && !this.cancelled; i++) flows[i]!.subscribe(this.inners[i]!);
  }

  signalled(): void {
    this.drain();
  }

  stop(error: Error): void {
    if (this.cancelled) return reportDroppedError(error); // after cancel nobody listens: dropped, never thrown
    if (this.error !== null) return reportError(error); // §1.7
    this.error = error;
    this.drain();
  }

  protected emitSome(downstream: Subscriber<unknown[]>): void {
    const inners = this.inners;
    for (;;) {
      if (this.error !== null) return this.end(this.error);
      if (inners.length === 0) return this.end(null);
      let ready = true;
      for (const inner of inners) {
        if (inner.queue.isEmpty) {
          if (inner.done) return this.end(null); // no further array can be made
          ready = false;
        }
      }
      if (!ready || this.requested === 0) return;
      const tuple = inners.map((inner) => inner.queue.poll());
      this.requested--;
      this.emittedItems++;
      downstream.onNext(tuple);
      if (this.cancelled) return;
      for (const inner of inners) inner.consumedOne();
    }
  }

  private end(error: Error | null): void {
    if (error === null) this.complete();
    else this.fail(error);
  }

  protected override dispose(): void {
    for (const inner of this.inners) inner.cancel(); // §3.13 releases every source
    this.inners = [];
  }

  inspect(): StageSnapshot {
    let buffered = 0;
    let upstreamRequested = 0;
    for (const inner of this.inners) {
      buffered += inner.queue.size;
      upstreamRequested += inner.outstanding;
    }
    return {
      stage: 'zip',
      capacity: this.inners.length * PREFETCH,
      buffered,
      requested: this.requested,
      upstreamRequested,
      received: this.received,
      emitted: this.emittedItems,
      dropped: 0,
      terminated: this.terminated,
      cancelled: this.cancelled && !this.terminated,
    };
  }
}

class ZipInner implements Subscriber<unknown> {
  private parent: ZipSubscription | null;
  private upstream: Subscription | null = null;
  readonly queue: RingBuffer<unknown>;
  private readonly prefetch: number;
  private readonly limit: number;
  private consumed = 0;
  outstanding = 0;
  done = false;

  constructor(parent: ZipSubscription, prefetch: number) {
    this.parent = parent;
    this.prefetch = prefetch;
    this.limit = replenishAt(prefetch);
    this.queue = new RingBuffer(prefetch);
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.upstream !== null || this.parent === null) {
      subscription.cancel(); // §2.5, or zip was already over
      return;
    }
    this.upstream = subscription;
    this.outstanding = this.prefetch;
    subscription.request(this.prefetch);
  }

  onNext(value: unknown): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    const parent = this.parent;
    if (parent === null || this.done) return; // §2.8
    this.outstanding--;
    if (!this.queue.offer(value)) return parent.stop(overDeliveryError('a source of zip', 0)); // §1.1
    parent.received++;
    parent.signalled();
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    const parent = this.parent;
    if (parent === null || this.done) return reportError(error); // §1.7
    this.done = true;
    this.upstream = null;
    parent.stop(error);
  }

  onComplete(): void {
    if (this.parent === null || this.done) return; // §1.7
    this.done = true;
    this.upstream = null;
    this.parent.signalled();
  }

  consumedOne(): void {
    if (++this.consumed !== this.limit) return;
    this.consumed = 0;
    if (this.done || this.upstream === null) return;
    this.outstanding += this.limit;
    this.upstream.request(this.limit);
  }

  cancel(): void {
    const upstream = this.upstream;
    this.upstream = null;
    this.parent = null; // §3.13
    this.done = true;
    this.queue.clear();
    upstream?.cancel();
  }
}
