import { Flow } from '../Flow';
import { TerminalSubscription } from '../internal/TerminalSubscription';

/**
 * Completes at once, emitting nothing.
 *
 * ```
 * empty(): |
 * ```
 *
 * **Demand**: needs none; `onComplete` follows `onSubscribe` without waiting for a request (§1.2, and the TCK's
 * empty-stream test expects it). **Errors**: none; an invalid `request(n)` made from inside `onSubscribe` is
 * signalled as `onError(RangeError)` instead (§3.9). **Cancellation**: cancelling inside `onSubscribe` suppresses the
 * completion.
 *
 * @example
 * empty<number>().subscribe({ onSubscribe() {}, onNext() {}, onError() {}, onComplete: () => console.log('done') });
 */
export function empty<T = never>(): Flow<T> {
  return EMPTY as Flow<T>;
}

const EMPTY = new Flow<never>((subscriber) => TerminalSubscription.terminate(subscriber, null));
