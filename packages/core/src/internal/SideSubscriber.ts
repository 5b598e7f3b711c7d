import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { nullArgumentError } from './errors';
import { reportError } from './report';

/** What a stage learns from a side input (a notifier, a sampled publisher). */
export interface SideOwner {
  sideNext(index: number, value: unknown): void;
  sideError(index: number, error: Error): void;
}

/**
 * The subscriber of a stage's side input (takeUntil's and skipUntil's notifier, withLatestFrom's others): it asks
 * for `demand` items once, passes items and the error to its owner, and lets go of the owner on completion, on
 * error and on `cancel()` (§3.13). A signal after that is dropped, an error reported (§1.7).
 */
export class SideSubscriber implements Subscriber<unknown> {
  private owner: SideOwner | null;
  private subscription: Subscription | null = null;

  constructor(owner: SideOwner, private readonly index: number, private readonly demand: number) {
    this.owner = owner;
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.owner === null || this.subscription !== null) return subscription.cancel(); // §2.5, or released
    this.subscription = subscription;
    subscription.request(this.demand);
  }

  onNext(value: unknown): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    this.owner?.sideNext(this.index, value);
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    const owner = this.owner;
    this.release();
    if (owner === null) return reportError(error); // §1.7 never swallowed
    owner.sideError(this.index, error);
  }

  onComplete(): void {
    this.release();
  }

  cancel(): void {
    const subscription = this.subscription;
    this.release();
    subscription?.cancel();
  }

  private release(): void {
    this.owner = null; // §3.13
    this.subscription = null;
  }
}
