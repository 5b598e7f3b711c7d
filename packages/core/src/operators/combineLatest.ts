import { Flow } from '../Flow';
import { DrainSubscription } from '../internal/DrainSubscription';
import { nullArgumentError, overDeliveryError } from '../internal/errors';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import { toFlows } from '../internal/lift';
import { reportDroppedError, reportError } from '../internal/report';
import { RingBuffer } from '../internal/RingBuffer';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';

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

class CombineLatestSubscription extends DrainSubscription<unknown[]> implements Inspectable {
  private inners: CombineLatestInner[];
  /** The latest applied item of each source (undefined until it has one). */
  private latest: unknown[];
  /** Sources still without a latest item. */
  private missing: number;
  /** Indexes of sources whose pending item waits, in arrival order (each source has at most one pending). */
  private readonly arrivals: RingBuffer<number>;
  private completedSources = 0;
  private error: Error | null = null;
  received = 0;

  constructor(downstream: Subscriber<unknown[]>, count: number) {
    super(downstream);
    this.inners = Array.from({ length: count }, (_, i) => new CombineLatestInner(this, i));
    this.latest = new Array(count).fill(undefined);
    this.missing = count;
    this.arrivals = new RingBuffer(Math.max(count, 1));
  }

  subscribeAll(flows: readonly Flow<unknown>[]): void {
    if (flows.length === 0) return this.drain(); // nothing to combine: complete at once
    for (let i = 0; i < flows.length && !this.cancelled; i++) flows[i]!.subscribe(this.inners[i]!);
  }

  arrived(index: number): void {
    this.received++;
    this.arrivals.offer(index); // never full: one pending item per source at most
    this.drain();
  }

  sourceCompleted(inner: CombineLatestInner): void {
    this.completedSources++;
    if (!inner.hasValue && inner.pending === undefined) this.stop(null); // this source can never contribute
    else this.drain();
  }

  /** Ends the whole stage: with an error, or with `null` for "complete now" (a source completed empty). */
  stop(error: Error | null): void {
    if (this.terminated || this.cancelled) {
      if (error === null) return;
      if (this.terminated) reportError(error); // §1.7
      else reportDroppedError(error); // after cancel nobody listens: dropped, never thrown
      return;
    }
    if (this.error === null) this.error = error ?? EMPTY_SOURCE;
    else if (error !== null) reportError(error);
    this.drain();
  }

  protected emitSome(downstream: Subscriber<unknown[]>): void {
    const inners = this.inners;
    for (;;) {
      if (this.error !== null) return this.end(this.error === EMPTY_SOURCE ? null : this.error);
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
    if (this.completedSources === inners.length && this.arrivals.isEmpty) this.end(null);
  }

  private end(error: Error | null): void {
    if (error === null) this.complete();
    else this.fail(error);
  }

  protected override dispose(): void {
    for (const inner of this.inners) inner.cancel(); // §3.13 releases every source
    this.inners = [];
    this.latest = [];
    this.arrivals.clear();
  }

  inspect(): StageSnapshot {
    let upstreamRequested = 0;
    for (const inner of this.inners) upstreamRequested += inner.outstanding;
    return {
      stage: 'combineLatest',
      capacity: this.inners.length,
      buffered: this.arrivals.size,
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

/** Marks "complete now" in `error` (a source completed without an item); never delivered as an error. */
const EMPTY_SOURCE = new Error('combineLatest: a source completed without an item');

class CombineLatestInner implements Subscriber<unknown> {
  private parent: CombineLatestSubscription | null;
  private upstream: Subscription | null = null;
  private readonly index: number;
  /** The item received but not yet applied (at most one: the source is asked for one at a time). */
  pending: unknown = undefined;
  hasValue = false;
  outstanding = 0;
  done = false;

  constructor(parent: CombineLatestSubscription, index: number) {
    this.parent = parent;
    this.index = index;
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.upstream !== null || this.parent === null) {
      subscription.cancel(); // §2.5, or combineLatest was already over
      return;
    }
    this.upstream = subscription;
    this.outstanding = 1;
    subscription.request(1);
  }

  onNext(value: unknown): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    const parent = this.parent;
    if (parent === null || this.done) return; // §2.8
    if (this.outstanding === 0 || this.pending !== undefined) {
      return parent.stop(overDeliveryError('a source of combineLatest', 0)); // §1.1 only a rule-breaking source
    }
    this.outstanding = 0;
    this.pending = value;
    parent.arrived(this.index);
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
    const parent = this.parent;
    if (parent === null || this.done) return; // §1.7
    this.done = true;
    this.upstream = null;
    parent.sourceCompleted(this);
  }

  /** The pending item was applied: ask the source for its next one. */
  requestNext(): void {
    const upstream = this.upstream;
    if (this.done || upstream === null) return;
    this.outstanding = 1;
    upstream.request(1);
  }

  cancel(): void {
    const upstream = this.upstream;
    this.upstream = null;
    this.parent = null; // §3.13
    this.done = true;
    this.pending = undefined;
    upstream?.cancel();
  }
}
