import type { SubscribeFunction } from '../Flow';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { addDemand, isValidRequest } from './demand';
import { invalidRequestError, nullArgumentError, overDeliveryError, toError, withCode } from './errors';
import { reportDroppedError, reportError } from './report';

/**
 * Wraps a foreign Publisher so that the rest of sluice can trust it. At this boundary the adapter:
 * - validates downstream requests itself and never forwards an invalid one (§3.9), since foreign publishers differ
 *   (rsocket-flowable throws from `request`);
 * - contains a hostile upstream: signals before `onSubscribe` (§1.9), `onNext` beyond demand (§1.1), `null`
 *   elements (§2.13) or a throwing `request`/`cancel` (§3.15, §3.16) cancel it and fail downstream with a rule error;
 * - ignores signals after a terminal signal or after cancel (§1.7, §2.8), reporting late errors.
 */
export function adaptPublisher<T>(publisher: Publisher<T>): SubscribeFunction<T> {
  // A subscribe function, not a Flow: `Flow.from` builds the Flow, so this module needs no Flow import (ADR 0014, 9).
  return (downstream) => {
    const subscriber = new StrictSubscriber(downstream);
    try {
      publisher.subscribe(subscriber);
    } catch (error) {
      subscriber.violation(toError(error)); // §1.9 subscribe must return normally
    }
  };
}

class StrictSubscriber<T> implements Subscriber<T>, Subscription {
  private downstream: Subscriber<T> | null;
  private upstream: Subscription | null = null;
  private subscribedDownstream = false;
  private requested = 0;
  private done = false;
  /** The adapter cancelled its upstream (downstream cancelled, or a violation): late errors are dropped. */
  private cancelled = false;

  constructor(downstream: Subscriber<T>) {
    this.downstream = downstream;
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.upstream !== null || this.done) {
      safely(() => subscription.cancel()); // §2.5
      return;
    }
    this.upstream = subscription;
    this.subscribedDownstream = true;
    this.downstream!.onSubscribe(this);
  }

  onNext(value: T): void {
    if (this.done) return; // §2.8 in-flight items after cancel are dropped
    if (this.upstream === null) return this.violation(withCode(new Error('§1.9: onNext before onSubscribe'), 'ERR_SLUICE_SIGNAL_ORDER'));
    if (value == null) return this.violation(nullArgumentError('onNext', value)); // §2.13
    if (this.requested === 0) return this.violation(overDeliveryError('a foreign Publisher', 0)); // §1.1
    this.requested--;
    this.downstream!.onNext(value);
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.done) {
      // §2.8/§3.12 a foreign publisher may signal after cancel: nobody listens, so the error is dropped (never
      // thrown); §1.7 an error after the publisher's own terminal signal is a violation, reported.
      if (this.cancelled) reportDroppedError(error);
      else reportError(error);
      return;
    }
    this.terminate()?.onError(error);
  }

  onComplete(): void {
    if (this.done) return; // §1.7
    this.terminate()?.onComplete();
  }

  request(n: number): void {
    if (this.done) return; // §3.6
    if (!isValidRequest(n)) return this.violation(invalidRequestError(n), true); // §3.9 handled here, not forwarded
    this.requested = addDemand(this.requested, n);
    const upstream = this.upstream!;
    try {
      upstream.request(n >= Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : n);
    } catch (error) {
      this.violation(withCode(new Error('§3.16: the upstream request(n) threw', { cause: error }), 'ERR_SLUICE_REQUEST_THREW'));
    }
  }

  cancel(): void {
    if (this.done) return; // §3.7
    this.done = true;
    this.cancelled = true;
    this.downstream = null; // §3.13
    const upstream = this.upstream;
    this.upstream = null;
    if (upstream !== null) safely(() => upstream.cancel());
  }

  /** Cancels upstream and fails downstream, subscribing it first if the upstream never did (§1.9). */
  violation(error: Error, ownFault = false): void {
    if (this.done) {
      if (!ownFault) reportError(error);
      return;
    }
    const upstream = this.upstream;
    const downstream = this.terminate();
    this.cancelled = true;
    if (upstream !== null) safely(() => upstream.cancel());
    if (downstream === null) return;
    if (!this.subscribedDownstream) {
      this.subscribedDownstream = true;
      downstream.onSubscribe(this);
    }
    downstream.onError(error);
  }

  private terminate(): Subscriber<T> | null {
    this.done = true;
    const downstream = this.downstream;
    this.downstream = null; // §3.13
    this.upstream = null;
    return downstream;
  }
}

function safely(action: () => void): void {
  try {
    action();
  } catch (error) {
    reportError(error); // §3.15 cancel must not throw; a foreign one that does is reported
  }
}
