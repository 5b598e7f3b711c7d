import type { Flow, Operator } from '../Flow';
import { isValidRequest } from '../internal/demand';
import { invalidRequestError, nullArgumentError, toError } from '../internal/errors';
import { lift, toFlow } from '../internal/lift';
import { reportLateError } from '../internal/report';
import { SubscriptionArbiter } from '../internal/SubscriptionArbiter';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';

/**
 * On an upstream error, continues with the Publisher returned by `selector(error)` instead of failing.
 *
 * ```
 * source:                        1 2 X
 * catchError(() => of(8, 9)):    1 2 8 9 |
 * ```
 *
 * **Demand**: passes requests through to the current upstream. On the switch the fallback is asked for exactly the
 * outstanding demand (everything requested minus everything delivered); requests made while the fallback has not
 * yet called `onSubscribe` are added to it, never lost. Downstream requests are validated here: an invalid one
 * cancels the current upstream and signals `onError(RangeError)` (§3.9), and is never forwarded (an upstream's
 * §3.9 error would otherwise be caught as if it were a failure). **Errors**: the fallback's errors pass through
 * (only the first upstream is caught). If `selector` throws, or returns something that is not a Publisher, that
 * error (a `TypeError` for non-publishers) is signalled downstream; `selector` received the original error.
 * **Cancellation**: cancels whichever upstream is current, or the fallback as soon as it subscribes.
 *
 * @example
 * source.pipe(catchError((error) => range(0, 1))); // falls back to 0 after an error
 */
export function catchError<T, R = T>(selector: (error: Error) => Publisher<R>): Operator<T, T | R> {
  if (typeof selector !== 'function') throw new TypeError(`catchError: selector must be a function, got ${typeof selector}`);
  return (source: Publisher<T>): Flow<T | R> =>
    lift(source, (downstream: Subscriber<T | R>) => new CatchErrorSubscriber<T, R>(downstream, selector));
}

const MAIN = 0;
const SWITCHING = 1;
const FALLBACK = 2;

class CatchErrorSubscriber<T, R> implements Subscriber<T | R>, Subscription {
  private downstream: Subscriber<T | R> | null;
  private selector: ((error: Error) => Publisher<R>) | null;
  private readonly arbiter = new SubscriptionArbiter();
  /** MAIN until the first upstream fails, SWITCHING until the fallback subscribes, then FALLBACK. */
  private phase = MAIN;
  private subscribed = false;
  private done = false;
  /** This stage cancelled the current upstream (`cancel`, §3.9): a late error is dropped, not reported (ADR 0012). */
  private cancelledLive = false;

  constructor(downstream: Subscriber<T | R>, selector: (error: Error) => Publisher<R>) {
    this.downstream = downstream;
    this.selector = selector;
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.phase === SWITCHING) {
      this.phase = FALLBACK;
      this.arbiter.setSubscription(subscription);
      return;
    }
    if (this.subscribed || this.done) {
      subscription.cancel(); // §2.5
      return;
    }
    this.subscribed = true;
    this.arbiter.setSubscription(subscription);
    this.downstream!.onSubscribe(this);
  }

  onNext(value: T | R): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return;
    this.arbiter.produced(1);
    this.downstream!.onNext(value);
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.done) {
      reportLateError(error, this.cancelledLive); // after our cancel dropped, else §1.7 reported
      return;
    }
    if (this.phase !== MAIN) return this.terminate()?.onError(error);
    this.arbiter.clearSubscription();
    const selector = this.selector!;
    this.selector = null; // §3.13 called once
    let fallback: Flow<R>;
    try {
      const result = selector(error);
      if (result == null || typeof (result as Publisher<R>).subscribe !== 'function') {
        throw new TypeError(`catchError: the selector returned ${String(result)}, which is not a Publisher`);
      }
      fallback = toFlow(result);
    } catch (thrown) {
      return this.terminate()?.onError(toError(thrown));
    }
    this.phase = SWITCHING;
    fallback.subscribe(this);
  }

  onComplete(): void {
    if (this.done) return; // §1.7
    this.terminate()?.onComplete();
  }

  request(n: number): void {
    if (this.done) return; // §3.6
    if (!isValidRequest(n)) {
      this.cancelledLive = true;
      this.arbiter.cancel(); // §3.9 validated here, never forwarded: an upstream's RangeError would be caught
      this.terminate()?.onError(invalidRequestError(n));
      return;
    }
    this.arbiter.request(n);
  }

  cancel(): void {
    if (!this.done) this.cancelledLive = true;
    this.done = true;
    this.downstream = null; // §3.13
    this.selector = null;
    this.arbiter.cancel();
  }

  private terminate(): Subscriber<T | R> | null {
    this.done = true;
    const downstream = this.downstream;
    this.downstream = null; // §3.13
    this.selector = null;
    this.arbiter.clearSubscription();
    return downstream;
  }
}
