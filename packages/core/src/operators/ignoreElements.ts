import type { Flow, Operator } from '../Flow';
import { isValidRequest, UNBOUNDED } from '../internal/demand';
import { invalidRequestError, nullArgumentError } from '../internal/errors';
import { ForwardingSubscriber } from '../internal/ForwardingSubscriber';
import { lift } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';

/**
 * Discards every item and passes on only the terminal signal.
 *
 * ```
 * source:         1 2 3 |
 * ignoreElements:       |
 * ```
 *
 * **Demand**: requests unbounded upstream once subscribed (it emits nothing, so no downstream demand is needed and
 * none can be exceeded; it holds nothing). Downstream requests are validated only: an invalid `request(n)` cancels
 * upstream and signals `onError(RangeError)` (§3.9). **Errors**: pass through. **Cancellation**: cancels upstream.
 *
 * @example
 * range(0, 1_000).pipe(tap(save), ignoreElements()); // completes after the last save
 */
export function ignoreElements<T>(): Operator<T, never> {
  return (source: Publisher<T>): Flow<never> => lift(source, (downstream: Subscriber<never>) => new IgnoreElementsSubscriber<T>(downstream));
}

class IgnoreElementsSubscriber<T> extends ForwardingSubscriber<T, never> {
  protected override onUpstream(subscription: Subscription): void {
    subscription.request(UNBOUNDED);
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
  }

  override request(n: number): void {
    if (this.done || isValidRequest(n)) return; // demand is irrelevant: nothing is ever emitted
    this.failWith(invalidRequestError(n)); // §3.9
  }

  override cancel(): void {
    this.done = true;
    super.cancel();
  }
}
