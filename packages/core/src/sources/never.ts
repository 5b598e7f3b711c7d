import { Flow } from '../Flow';
import { DrainSubscription } from '../internal/DrainSubscription';

/**
 * Never emits and never terminates.
 *
 * ```
 * never(): ----------…
 * ```
 *
 * **Demand**: recorded and ignored. **Errors**: only an invalid `request(n)`, signalled as `onError(RangeError)`
 * (§3.9). **Cancellation**: drops the subscriber; nothing else holds it (no timer, no registry), so an abandoned
 * subscription is garbage once the subscriber is (§3.13).
 *
 * @example
 * never<number>(); // keeps a subscriber open, silent, until it cancels
 */
export function never<T = never>(): Flow<T> {
  return NEVER as Flow<T>;
}

class NeverSubscription extends DrainSubscription<never> {
  protected emitSome(): void {}
}

const NEVER = new Flow<never>((subscriber) => {
  new NeverSubscription(subscriber).begin(); // §1.9
});
