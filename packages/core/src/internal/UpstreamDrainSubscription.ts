import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { DrainSubscription } from './DrainSubscription';
import { nullArgumentError } from './errors';

/**
 * A DrainSubscription that is also the Subscriber of exactly one upstream: the base of the operators that own a
 * queue or a timer between their upstream and their downstream (observeOn, delay, the time operators, reduce, the
 * onBackpressure* family). It keeps the upstream subscription, enforces §2.13 and §2.5 in `onSubscribe`, hands
 * itself to the downstream, and then, unless the downstream cancelled inside its onSubscribe, calls `onUpstream` —
 * where a subclass makes its first request or arms its first timer.
 */
export abstract class UpstreamDrainSubscription<T, R> extends DrainSubscription<R> implements Subscriber<T> {
  protected upstream: Subscription | null = null;

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.upstream !== null || this.cancelled) {
      subscription.cancel(); // §2.5 a second subscription (or one after cancel) is cancelled
      return;
    }
    this.upstream = subscription;
    this.downstream!.onSubscribe(this);
    if (!this.cancelled) this.onUpstream(subscription);
  }

  /** Runs once the downstream has its subscription and has not cancelled: first request, first timer. */
  protected onUpstream(_subscription: Subscription): void {}

  abstract onNext(value: T): void;
  abstract onError(error: Error): void;
  abstract onComplete(): void;
}
