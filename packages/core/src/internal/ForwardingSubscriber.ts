import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { nullArgumentError, toError } from './errors';
import { reportLateError } from './report';

/** How a stage ends before its downstream could request anything: `error` null completes, otherwise fails. */
export interface EarlyEnd {
  readonly error: Error | null;
}

/**
 * The base of pass-through operators (map, filter, tap, …): it is the upstream's Subscriber and the downstream's
 * Subscription. Subclasses write `onNext` and, where needed, `request`. Demand passes straight through, so an
 * invalid `request(n)` reaches the source, which signals the §3.9 error back down the chain.
 *
 * `onSubscribe` is written once, here (§2.13, §2.5). A stage that must do something around it overrides a hook
 * instead: `arm()` runs before the downstream sees its subscription (subscribe a side input, run a user callback)
 * and may end the stage at once; `onUpstream()` runs after, unless the stage is already done (a first request, a
 * timer).
 */
export abstract class ForwardingSubscriber<T, R = T> implements Subscriber<T>, Subscription {
  protected readonly downstream: Subscriber<R>;
  protected upstream: Subscription | null = null;
  /** Set by the first terminal signal, from upstream or from a failing user function. */
  protected done = false;
  /**
   * This stage cancelled its upstream (`cancelUpstream`, `cancel`, `failWith`) before the upstream ended by itself
   * (`upstreamEnded`): an error after the end is then dropped, otherwise reported (§1.7; ADR 0012).
   */
  private upstreamCancelled = false;
  private upstreamEnded = false;

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
    const early = this.arm();
    if (early !== null) {
      // §1.9 the downstream gets its subscription first, then the terminal signal; the upstream is not needed
      this.done = true;
      this.cancelUpstream();
      this.downstream.onSubscribe(this);
      if (early.error === null) this.downstream.onComplete();
      else this.downstream.onError(early.error);
      return;
    }
    this.downstream.onSubscribe(this);
    if (!this.done) this.onUpstream(subscription);
  }

  /**
   * Runs once the upstream subscribed, before the downstream has its subscription. A non-null result ends the
   * stage right after the downstream's onSubscribe (the stage releases what it armed before returning it).
   */
  protected arm(): EarlyEnd | null {
    return null;
  }

  /** Runs after the downstream's onSubscribe unless the stage is done by then (a first request, a timer). */
  protected onUpstream(_subscription: Subscription): void {}

  abstract onNext(value: T): void;

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.done) {
      reportLateError(error, this.upstreamCancelled && !this.upstreamEnded); // after our cancel dropped, else §1.7 reported
      return;
    }
    this.done = true;
    this.upstreamEnded = true;
    this.downstream.onError(error);
  }

  onComplete(): void {
    if (this.done) return; // §1.7
    this.done = true;
    this.upstreamEnded = true;
    this.downstream.onComplete();
  }

  request(n: number): void {
    this.upstream!.request(n);
  }

  cancel(): void {
    this.cancelUpstream();
  }

  /** Cancels the upstream, remembering that this stage did (what a late error from it means, ADR 0012). */
  protected cancelUpstream(): void {
    this.upstreamCancelled = true;
    this.upstream!.cancel();
  }

  /** A user function threw or broke a rule: cancel upstream, then signal downstream (never rethrown). */
  protected failWith(thrown: unknown): void {
    if (this.done) return;
    this.done = true;
    this.upstreamCancelled = true;
    this.upstream!.cancel();
    this.downstream.onError(toError(thrown));
  }
}
