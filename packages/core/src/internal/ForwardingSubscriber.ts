import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { nullArgumentError, toError } from './errors';
import { reportError } from './report';

/**
 * The base of pass-through operators (map, filter, tap, …): it is the upstream's Subscriber and the downstream's
 * Subscription. Subclasses write `onNext` and, where needed, `request`. Demand passes straight through, so an
 * invalid `request(n)` reaches the source, which signals the §3.9 error back down the chain.
 */
export abstract class ForwardingSubscriber<T, R = T> implements Subscriber<T>, Subscription {
  protected readonly downstream: Subscriber<R>;
  protected upstream: Subscription | null = null;
  /** Set by the first terminal signal, from upstream or from a failing user function. */
  protected done = false;

  constructor(downstream: Subscriber<R>) {
    this.downstream = downstream;
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.upstream !== null) {
      subscription.cancel(); // §2.5 a second subscription is cancelled
      return;
    }
    this.upstream = subscription;
    this.downstream.onSubscribe(this);
  }

  abstract onNext(value: T): void;

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.done) {
      reportError(error); // §1.7 nothing after a terminal signal; never swallowed
      return;
    }
    this.done = true;
    this.downstream.onError(error);
  }

  onComplete(): void {
    if (this.done) return; // §1.7
    this.done = true;
    this.downstream.onComplete();
  }

  request(n: number): void {
    this.upstream!.request(n);
  }

  cancel(): void {
    this.upstream!.cancel();
  }

  /** A user function threw or broke a rule: cancel upstream, then signal downstream (never rethrown). */
  protected failWith(thrown: unknown): void {
    if (this.done) return;
    this.done = true;
    this.upstream!.cancel();
    this.downstream.onError(toError(thrown));
  }
}
