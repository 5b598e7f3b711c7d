import type { WhiteboxSubscriberProbe } from '../harness/Probe';
import type { Subscriber, Subscription } from '../spec';
import { reportLater } from './ReferencePublisher';

export interface ReferenceSubscriberOptions<T> {
  /** Called for each element; return `false` to cancel (like the JVM examples' `whenNext`). */
  onElement?: (element: T) => boolean | void;
  /** Elements requested at a time when not driven by a probe (default 1). */
  batch?: number;
  /**
   * Whitebox mode: report every signal to the probe and request only when the TCK's puppet asks
   * (`triggerRequest`), instead of requesting on its own.
   */
  probe?: WhiteboxSubscriberProbe<T>;
}

/**
 * A tiny, correct, synchronous Subscriber: requests `batch` elements at a time, processes each in `onNext`, and
 * cancels when its callback returns `false`. The TCK proves the subscriber verifications against it, and its
 * comments show which rule each line serves (the reactive-streams-jvm `SyncSubscriber`, rewritten for JavaScript).
 */
export class ReferenceSubscriber<T> implements Subscriber<T> {
  /** The active subscription, or null before onSubscribe and after cancel/termination (§2.4). */
  private subscription: Subscription | null = null;
  private done = false;
  /** Elements still expected from the last request (in self-driven mode). */
  private outstanding = 0;

  constructor(private readonly options: ReferenceSubscriberOptions<T> = {}) {}

  onSubscribe(subscription: Subscription): void {
    // §2.13: a null argument is the one allowed throw, and it must be a TypeError (NullPointerException on the JVM).
    if (subscription == null) throw new TypeError('§2.13: onSubscribe requires a Subscription, got ' + String(subscription));
    // §2.5: we already have a subscription (or are done): cancel the new one, never request from it.
    if (this.subscription !== null || this.done) {
      try {
        subscription.cancel();
      } catch (error) {
        reportLater(error); // §3.15 says cancel returns normally; if it does not, report and carry on (§2.13)
      }
      return;
    }
    this.subscription = subscription;
    const probe = this.options.probe;
    if (probe) {
      // Whitebox mode: the TCK drives demand and cancellation through the puppet.
      probe.registerOnSubscribe({
        triggerRequest: (n) => this.subscription?.request(n),
        signalCancel: () => this.cancel(),
      });
    } else {
      this.requestMore(); // §2.1: nothing arrives until we signal demand
    }
  }

  onNext(element: T): void {
    if (element == null) throw new TypeError('§2.13: onNext requires an element, got ' + String(element));
    // §2.8: after our own cancel, elements for demand that was outstanding may still arrive: ignore them quietly.
    if (this.subscription === null || this.done) return;
    this.options.probe?.registerOnNext(element);
    let keepGoing: boolean | void = true;
    try {
      keepGoing = this.options.onElement?.(element);
    } catch (error) {
      // §2.13: a failing callback must not throw back into the publisher: cancel, then report out of band.
      this.cancel();
      reportLater(error);
      return;
    }
    if (keepGoing === false) {
      this.cancel(); // §2.6: cancel a subscription we no longer need
      return;
    }
    if (!this.options.probe && --this.outstanding === 0) this.requestMore(); // §3.2: request from inside onNext is allowed
  }

  onError(error: Error): void {
    if (error == null) throw new TypeError('§2.13: onError requires an error, got ' + String(error));
    // §2.3: no call to the subscription or publisher from here; §2.4: the subscription is now over.
    this.subscription = null;
    this.done = true;
    this.options.probe?.registerOnError(error);
  }

  onComplete(): void {
    // §2.3 and §2.4 as in onError.
    this.subscription = null;
    this.done = true;
    this.options.probe?.registerOnComplete();
  }

  /** Cancels the subscription and forgets it (§3.13 lets the publisher forget us too). */
  cancel(): void {
    const subscription = this.subscription;
    this.subscription = null;
    this.done = true;
    subscription?.cancel();
  }

  private requestMore(): void {
    const batch = this.options.batch ?? 1;
    this.outstanding = batch;
    this.subscription?.request(batch);
  }
}
