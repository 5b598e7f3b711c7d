import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { describeValue, replenishAt } from './demand';
import { nullArgumentError, overDeliveryError, toError } from './errors';
import { toFlow } from './lift';
import { promiseOf } from './PromiseFlow';
import { reportError } from './report';
import { RingBuffer } from './RingBuffer';

/** What a FlatMapInner reports to: the flattening engine (FlatMapSubscriber) or the single-inner engine (switchMap, exhaustMap). */
export interface InnerParent {
  readonly name: string;
  /** One item was queued by an inner (counts it as received and buffered). */
  countReceived(): void;
  /** An inner queued an item: run the drain loop. */
  innerSignalled(): void;
  /** An inner completed. */
  innerCompleted(): void;
  /** An inner failed or broke a rule: fail the stage eagerly. */
  stop(error: Error): void;
}

/**
 * Calls the project function of a flattening stage for one outer item: the inner publisher, or null after failing
 * the stage (`parent.stop`) because the function threw or returned something that is not a Publisher.
 */
export function projectInner<T, R>(
  parent: InnerParent,
  project: (value: T, index: number) => Publisher<R>,
  value: T,
  index: number,
): Publisher<R> | null {
  let inner: Publisher<R>;
  try {
    inner = project(value, index);
  } catch (thrown) {
    parent.stop(toError(thrown));
    return null;
  }
  if (inner == null || typeof (inner as Publisher<R>).subscribe !== 'function') {
    parent.stop(new TypeError(`${parent.name}: the project function returned ${describeValue(inner)}, which is not a Publisher`));
    return null;
  }
  return inner;
}

/** The Subscriber of one inner publisher: a bounded queue, replenished by `limit` once 75% of it was emitted. */
export class FlatMapInner<R> implements Subscriber<R> {
  private parent: InnerParent | null;
  private upstream: Subscription | null = null;
  readonly queue: RingBuffer<R>;
  private readonly prefetch: number;
  private readonly limit: number;
  private consumed = 0;
  done = false;
  prev: FlatMapInner<R> | null = null;
  next: FlatMapInner<R> | null = null;

  constructor(parent: InnerParent, prefetch: number) {
    this.parent = parent;
    this.prefetch = prefetch;
    this.limit = replenishAt(prefetch);
    this.queue = new RingBuffer<R>(prefetch);
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.upstream !== null || this.parent === null) {
      subscription.cancel(); // §2.5, or the stage was cancelled before this inner subscribed
      return;
    }
    this.upstream = subscription;
    subscription.request(this.prefetch);
  }

  onNext(value: R): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    const parent = this.parent;
    if (parent === null || this.done) return; // §2.8 dropped after cancel
    if (!this.queue.offer(value)) {
      this.done = true;
      return parent.stop(overDeliveryError(`an inner of ${parent.name}`, 0)); // §1.1
    }
    parent.countReceived();
    parent.innerSignalled();
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
    parent.innerCompleted();
  }

  /** Starts taking `inner`'s items: a `from(promise)` directly (decision 0010), any other publisher by subscribing. */
  connect(inner: Publisher<R>): void {
    const promise = promiseOf<R>(inner);
    if (promise !== undefined) this.awaitPromise(promise);
    else toFlow(inner).subscribe(this);
  }

  /**
   * Takes a promise inner's outcome directly instead of subscribing to `from(promise)` (decision 0010), with the
   * same signals: the value (none for null/undefined), then completion; a rejection as the inner's error; nothing
   * once cancelled, where the outcome is ignored (as `from(promise)` ignores it after cancel). The inner has asked
   * for nothing upstream, so `consumedOne` and `cancel` find no subscription to talk to.
   */
  private awaitPromise(promise: PromiseLike<R | null | undefined>): void {
    Promise.resolve(promise).then(
      (value) => {
        if (this.parent === null) return;
        try {
          if (value != null) this.onNext(value);
          this.onComplete(); // a no-op if the item's delivery cancelled this inner
        } catch (error) {
          reportError(error); // the stage's drain loop reports its own failures; this is a last resort
        }
      },
      (error: unknown) => {
        if (this.parent !== null) this.onError(toError(error));
      },
    );
  }

  /** One queued item was emitted downstream: replenish in batches of `limit` (75% of prefetch). */
  consumedOne(): void {
    if (++this.consumed !== this.limit) return;
    this.consumed = 0;
    if (!this.done) this.upstream?.request(this.limit);
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
