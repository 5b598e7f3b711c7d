import type { Flow } from '../Flow';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { isValidRequest } from './demand';
import { invalidRequestError, nullArgumentError } from './errors';
import { reportLateError } from './report';
import { SubscriptionArbiter } from './SubscriptionArbiter';

/**
 * The base of stages that subscribe to the same source again (repeat, retry): one downstream subscription over a
 * succession of upstream ones. The SubscriptionArbiter carries the outstanding demand exactly from one upstream to the
 * next; `subscribeNext` is a trampoline, so a source that terminates synchronously inside `subscribe` only bumps
 * `wip` and the loop resubscribes without recursion (§3.3). Subclasses decide, in `onComplete`/`onError`, whether to
 * `resubscribe()` or terminate, and release their own resources in `release()`.
 */
export abstract class ResubscribingSubscriber<T> implements Subscriber<T>, Subscription {
  protected downstream: Subscriber<T> | null;
  private source: Flow<T> | null;
  private readonly arbiter = new SubscriptionArbiter();
  /** True while an upstream subscription is live (between its onSubscribe and its terminal signal). */
  protected active = false;
  protected done = false;
  /**
   * The stage cancelled a live upstream (the downstream's `cancel`, a §3.9 request): an error after the end from it
   * is dropped, not reported (ADR 0012). A cancel between two subscriptions cuts nothing live.
   */
  protected cancelledLive = false;
  private wip = 0;

  constructor(downstream: Subscriber<T>, source: Flow<T>) {
    this.downstream = downstream;
    this.source = source;
  }

  /** Subscribes to the source (again), unless the stage is over. */
  subscribeNext(): void {
    if (this.wip++ !== 0) return;
    let missed = 1;
    for (;;) {
      const source = this.source;
      if (this.done || source === null) return;
      source.subscribe(this);
      missed = this.wip -= missed;
      if (missed === 0) return;
    }
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.active || this.done) {
      subscription.cancel(); // §2.5 a second live subscription (or one after the end) is cancelled
      return;
    }
    this.active = true;
    this.arbiter.setSubscription(subscription); // asks for exactly the outstanding demand
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return; // §2.8
    this.arbiter.produced(1);
    this.downstream!.onNext(value);
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    // §1.7 nothing after the stage's end or between two subscriptions; after our cancel dropped (ADR 0012), else reported
    if (this.done || !this.active) return reportLateError(error, this.cancelledLive);
    this.endTurn();
    this.upstreamFailed(error);
  }

  onComplete(): void {
    if (this.done || !this.active) return; // §1.7
    this.endTurn();
    this.upstreamCompleted();
  }

  /** The current upstream failed (it is already released): `resubscribe` later, `subscribeNext()` now, or terminate. */
  protected abstract upstreamFailed(error: Error): void;

  /** The current upstream completed (it is already released): `subscribeNext()` again, or terminate. */
  protected abstract upstreamCompleted(): void;

  request(n: number): void {
    if (this.done) return; // §3.6
    if (!isValidRequest(n)) {
      if (this.active) this.cancelledLive = true;
      this.arbiter.cancel(); // §3.9 cancel, then signal; never forwarded
      this.terminate()?.onError(invalidRequestError(n));
      return;
    }
    this.arbiter.request(n);
  }

  cancel(): void {
    if (this.done) return; // §3.7
    if (this.active) this.cancelledLive = true;
    this.arbiter.cancel(); // first, while the current subscription is still known
    this.terminate();
  }

  /** The current upstream subscription ended (its terminal signal arrived). */
  protected endTurn(): void {
    this.active = false;
    this.arbiter.clearSubscription();
  }

  /** Ends the stage and returns the downstream to signal, or null if it had already ended. */
  protected terminate(): Subscriber<T> | null {
    this.done = true;
    const downstream = this.downstream;
    this.downstream = null; // §3.13
    this.source = null;
    this.release();
    this.arbiter.clearSubscription();
    return downstream;
  }

  /** Releases what a subclass holds (timers, user functions). Runs on every termination. */
  protected release(): void {}
}
