import { Flow } from '../Flow';
import { overDeliveryError } from '../internal/errors';
import { FanInStage } from '../internal/FanInStage';
import { InnerSubscriber } from '../internal/InnerSubscriber';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import { toFlows } from '../internal/lift';
import { RingBuffer } from '../internal/RingBuffer';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

/**
 * Combines the latest item of every publisher: once each has produced one, every new item from any of them emits an
 * array of the latest item of each.
 *
 * ```
 * a:             1----2--------3|
 * b:             --x------y-------|
 * combineLatest: --[1,x]-[2,x]-[2,y]-[3,y]|
 * ```
 *
 * **Demand**: each source is asked for one item at a time (a prefetch of 1). A new item waits in its source's
 * single slot until the downstream has demand for the array it makes; only then is it applied and that source asked
 * for its next item. So the stage holds at most one pending item and one latest item per source, however fast any
 * source is, and each downstream `request(n)` yields at most `n` arrays, one per source item, in arrival order.
 * Before every source has produced an item there is nothing to emit: an item then replaces its source's latest
 * without demand and the source is asked for the next one. **Errors**: the first error from any source cancels the
 * others and is signalled at once. **Completion**: when every source has completed and every pending item was
 * emitted, or at once (cancelling the others) when a source completes without ever producing an item.
 * `combineLatest()` with no sources completes at once. **Cancellation**: cancels every source.
 *
 * @example
 * combineLatest(temperature, humidity).pipe(map(([t, h]) => comfort(t, h)));
 */
export function combineLatest<A extends unknown[]>(...publishers: { [K in keyof A]: Publisher<A[K]> }): Flow<A> {
  const flows = toFlows('combineLatest', (publishers as Publisher<unknown>[]));
  return new Flow<A>((downstream) => {
    const subscription = new CombineLatestSubscription(downstream as Subscriber<unknown[]>, flows.length);
    downstream.onSubscribe(subscription);
    subscription.subscribeAll(flows);
  });
}

class CombineLatestSubscription extends FanInStage<unknown[], CombineLatestInner> implements Inspectable {
  /** The latest applied item of each source (undefined until it has one). */
  private latest: unknown[];
  /** Sources still without a latest item. */
  private missing: number;
  /** Indexes of sources whose pending item waits, in arrival order (each source has at most one pending). */
  private readonly arrivals: RingBuffer<number>;
  private completedSources = 0;

  constructor(downstream: Subscriber<unknown[]>, count: number) {
    super(downstream);
    this.inners = Array.from({ length: count }, (_, i) => new CombineLatestInner(this, i));
    this.latest = new Array(count).fill(undefined);
    this.missing = count;
    this.arrivals = new RingBuffer(Math.max(count, 1));
  }

  arrived(index: number): void {
    this.receivedItems++;
    this.arrivals.offer(index); // never full: one pending item per source at most
    this.drain();
  }

  sourceCompleted(inner: CombineLatestInner): void {
    this.completedSources++;
    if (!inner.hasValue && inner.pending === undefined) this.stop(null); // this source can never contribute
    else this.drain();
  }

  protected emitSome(downstream: Subscriber<unknown[]>): void {
    const inners = this.inners;
    for (;;) {
      if (this.terminateIfStopped()) return;
      if (this.arrivals.isEmpty) break;
      const index = this.arrivals.peek()!;
      const inner = inners[index]!;
      const warmingUp = this.missing > (inner.hasValue ? 0 : 1);
      if (!warmingUp && this.requested === 0) break; // the item waits in its slot: its source is not asked again
      this.arrivals.poll();
      if (!inner.hasValue) {
        inner.hasValue = true;
        this.missing--;
      }
      this.latest[index] = inner.pending;
      inner.pending = undefined;
      if (!warmingUp) {
        this.requested--;
        this.emittedItems++;
        downstream.onNext(this.latest.slice());
        if (this.cancelled) return;
      }
      inner.requestNext();
    }
    if (this.completedSources === inners.length && this.arrivals.isEmpty) this.complete();
  }

  protected override dispose(): void {
    super.dispose(); // §3.13 releases every source
    this.latest = [];
    this.arrivals.clear();
  }

  protected override get capacity(): number {
    return this.inners.length;
  }

  protected override get buffered(): number {
    return this.arrivals.size;
  }

  inspect(): StageSnapshot {
    return this.snapshot('combineLatest');
  }
}

class CombineLatestInner extends InnerSubscriber<unknown, CombineLatestSubscription> {
  /** The item received but not yet applied (at most one: the source is asked for one at a time). */
  pending: unknown = undefined;
  hasValue = false;
  private outstanding = 0;

  constructor(owner: CombineLatestSubscription, private readonly index: number) {
    super(owner);
  }

  override get upstreamRequested(): number {
    return this.outstanding;
  }

  protected onStart(): void {
    this.requestNext();
  }

  protected accept(owner: CombineLatestSubscription, value: unknown): void {
    if (this.outstanding === 0 || this.pending !== undefined) {
      return owner.stop(overDeliveryError('a source of combineLatest', 0)); // §1.1 only a rule-breaking source
    }
    this.outstanding = 0;
    this.pending = value;
    owner.arrived(this.index);
  }

  protected ended(owner: CombineLatestSubscription, error: Error | null): void {
    if (error !== null) owner.stop(error);
    else owner.sourceCompleted(this);
  }

  /** The pending item was applied (or the source just subscribed): ask the source for its next one. */
  requestNext(): void {
    if (this.done) return;
    this.outstanding = 1;
    this.requestUpstream(1);
  }

  protected override onCancel(): void {
    this.pending = undefined; // §3.13
  }
}
