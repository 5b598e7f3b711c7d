import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { nullArgumentError } from './errors';
import { reportLateError } from './report';

/**
 * The Subscriber of one input of a stage that has several (zip's and combineLatest's sources, forkJoin's inputs,
 * the side input of takeUntil/skipUntil/withLatestFrom). It implements the four Subscriber methods once, with the
 * rules enforced here and nowhere else:
 * - `onSubscribe`: §2.13, §2.5 (a second subscription, or one after this input ended or was cancelled, is
 *   cancelled), then `onStart` makes the first request;
 * - `onNext`: §2.13, §2.8 (an item after the end or after `cancel()` is dropped), then `accept`;
 * - `onError`/`onComplete`: §2.13, §1.7 (a second terminal signal is ignored, a second error reported, never
 *   swallowed), then the owner and the upstream are released (§3.13) and `ended` tells the owner.
 *
 * The input has one state, held in one field: `owner` is the stage while the input is live and `null` once it is
 * over (terminated or cancelled), so "over" and "released" cannot disagree. An input writes only `onStart` (its
 * first request), `accept(owner, item)` and `ended(owner, error)`; `cancel()` is the owner's way to stop it.
 */
export abstract class InnerSubscriber<T, O> implements Subscriber<T> {
  private owner: O | null;
  private upstream: Subscription | null = null;
  /** The owner cancelled this input while it was live (ADR 0012: a late error is then dropped, not reported). */
  private cancelledLive = false;

  constructor(owner: O) {
    this.owner = owner;
  }

  /** The input is over: it terminated, or its owner cancelled it. */
  get done(): boolean {
    return this.owner === null;
  }

  /** Demand signalled upstream and not yet delivered, for the owner's snapshot (0 unless the input counts). */
  get upstreamRequested(): number {
    return 0;
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.upstream !== null || this.owner === null) {
      subscription.cancel(); // §2.5 a second subscription, or one after the end or after cancel, is cancelled
      return;
    }
    this.upstream = subscription;
    this.onStart(this.owner);
  }

  onNext(item: T): void {
    if (item == null) throw nullArgumentError('onNext', item); // §2.13
    const owner = this.owner;
    if (owner === null) return; // §2.8 an item in flight after cancel (or after the end) is dropped
    this.accept(owner, item);
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    const owner = this.owner;
    if (owner === null) return reportLateError(error, this.cancelledLive); // after our cancel dropped, else §1.7 reported
    this.owner = null; // §3.13
    this.upstream = null;
    this.ended(owner, error);
  }

  onComplete(): void {
    const owner = this.owner;
    if (owner === null) return; // §1.7
    this.owner = null; // §3.13
    this.upstream = null;
    this.ended(owner, null);
  }

  /** Stops this input: cancels its upstream and lets go of the owner (§3.13). Idempotent. */
  cancel(): void {
    const upstream = this.upstream;
    if (this.owner !== null) this.cancelledLive = true;
    this.owner = null;
    this.upstream = null;
    this.onCancel();
    upstream?.cancel();
  }

  /** Asks the upstream for `n` more; a no-op once the input is over or before it has a subscription. */
  protected requestUpstream(n: number): void {
    if (this.owner !== null) this.upstream?.request(n);
  }

  /** The upstream subscribed: make the first request (`requestUpstream`), if any. */
  protected abstract onStart(owner: O): void;

  /** One item arrived while the input is live (§2.13/§2.8 already checked). */
  protected abstract accept(owner: O, item: T): void;

  /** The input terminated: `error` is null for onComplete. The owner is already released from this input. */
  protected abstract ended(owner: O, error: Error | null): void;

  /** `cancel()` ran: drop what the input holds (a queue, a pending item). */
  protected onCancel(): void {}
}
