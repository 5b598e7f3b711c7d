import { Flow, type ElementOf } from '../Flow';
import { addDemand, isValidRequest, produced, UNBOUNDED } from '../internal/demand';
import { invalidRequestError, nullArgumentError } from '../internal/errors';
import { toFlows } from '../internal/lift';
import { reportLateError } from '../internal/report';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';

/**
 * Subscribes to each publisher in turn, the next one only after the previous one completed.
 *
 * ```
 * a:       1-2|
 * b:          3--4|
 * concat:  1-2-3--4|
 * ```
 *
 * **Demand**: no queue. Downstream requests go straight to the current source; when it completes, the demand it
 * did not use is requested, exactly, from the next one. **Errors**: a source's error is passed on at once and the
 * remaining sources are never subscribed; an invalid `request(n)` cancels the current source and signals
 * `onError(RangeError)` (§3.9). **Cancellation**: cancels the current source; later sources are never subscribed.
 *
 * @example
 * concat(range(1, 2), range(10, 2)); // 1, 2, 10, 11
 */
export function concat<T = never>(...publishers: Publisher<T>[]): Flow<T>;
/** Sources of different element types: the result emits the union (`concat(range(0, 2), of('x'))` is `Flow<number | string>`). */
export function concat<P extends readonly Publisher<any>[]>(...publishers: P): Flow<ElementOf<P[number]>>;
export function concat<T>(...publishers: Publisher<T>[]): Flow<T> {
  const flows = toFlows('concat', publishers);
  return new Flow<T>((downstream) => {
    const subscriber = new ConcatSubscriber<T>(downstream, flows);
    downstream.onSubscribe(subscriber);
    subscriber.subscribeNext();
  });
}

/** A subscription arbiter: it carries outstanding demand from one source to the next (Reactor's ConcatArray). */
class ConcatSubscriber<T> implements Subscriber<T>, Subscription {
  private downstream: Subscriber<T> | null;
  private sources: readonly Flow<T>[];
  private index = 0;
  private upstream: Subscription | null = null;
  /** Outstanding downstream demand, which is also exactly the current source's outstanding demand. */
  private requested = 0;
  /** Trampoline for subscribing the next source, so many synchronous sources do not nest (§3.3). */
  private wip = 0;
  private emitting = false;
  private pendingError: Error | null = null;
  private done = false;
  /** The current source was cancelled (downstream cancel, §3.9), not ended by its own terminal signal. */
  private cancelledSource = false;

  constructor(downstream: Subscriber<T>, sources: readonly Flow<T>[]) {
    this.downstream = downstream;
    this.sources = sources;
  }

  subscribeNext(): void {
    if (this.wip++ !== 0) return;
    do {
      if (this.done) return;
      if (this.index === this.sources.length) {
        this.terminate()?.onComplete();
        return;
      }
      this.sources[this.index++]!.subscribe(this);
    } while (--this.wip !== 0);
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.done || this.upstream !== null) {
      subscription.cancel(); // §2.5
      return;
    }
    this.upstream = subscription;
    if (this.requested > 0) subscription.request(this.requested); // carry the unused demand over, exactly
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    const downstream = this.downstream;
    if (downstream === null) return; // §2.8
    this.requested = produced(this.requested, 1);
    this.emitting = true;
    try {
      downstream.onNext(value);
    } finally {
      this.emitting = false;
    }
    if (this.pendingError !== null) this.failInvalid();
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    this.upstream = null;
    const downstream = this.terminate();
    if (downstream === null) return reportLateError(error, this.cancelledSource); // dropped after our cancel (ADR 0012), else §1.7
    downstream.onError(error);
  }

  onComplete(): void {
    if (this.done) return;
    this.upstream = null;
    this.subscribeNext();
  }

  request(n: number): void {
    if (this.done) return; // §3.6
    if (!isValidRequest(n)) {
      this.pendingError ??= invalidRequestError(n); // §3.9 signalled, never thrown (§3.16) …
      if (!this.emitting) this.failInvalid(); // … and not from inside onNext (§1.3)
      return;
    }
    if (this.requested === UNBOUNDED) return;
    this.requested = addDemand(this.requested, n); // §3.17
    this.upstream?.request(n);
  }

  cancel(): void {
    const upstream = this.upstream;
    if (!this.done) this.cancelledSource = true;
    this.terminate();
    upstream?.cancel();
  }

  private failInvalid(): void {
    const upstream = this.upstream;
    this.cancelledSource = true;
    const downstream = this.terminate();
    upstream?.cancel(); // §3.9 the subscription is cancelled, then onError
    downstream?.onError(this.pendingError!);
  }

  private terminate(): Subscriber<T> | null {
    const downstream = this.downstream;
    this.done = true;
    this.downstream = null; // §3.13
    this.upstream = null;
    this.sources = [];
    return downstream;
  }
}
