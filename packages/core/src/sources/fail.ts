import { Flow } from '../Flow';
import { toError, withCode } from '../internal/errors';
import { TerminalSubscription } from '../internal/TerminalSubscription';

/**
 * Signals `onError` at once, emitting nothing: the error source.
 *
 * ```
 * fail(e): #e
 * ```
 *
 * Pass an error to share it between subscribers, or a function to build a fresh one (with its own stack) for each
 * subscriber. A thrown value that is not an `Error` is wrapped in one, keeping it as `cause`.
 *
 * **Demand**: needs none; `onError` follows `onSubscribe` without waiting for a request (§1.4). **Errors**: the given
 * error; if the factory throws, what it threw; if it returns `null`/`undefined`, a `TypeError`. An invalid
 * `request(n)` made from inside `onSubscribe` is signalled instead (§3.9). **Cancellation**: cancelling inside
 * `onSubscribe` suppresses the error.
 *
 * @example
 * fail(() => new Error('not found')); // every subscriber gets its own Error
 */
export function fail<T = never>(error: unknown): Flow<T> {
  if (error == null) throw new TypeError(`fail: an error or an error factory is required, got ${String(error)}`);
  if (typeof error !== 'function') {
    const shared = toError(error);
    return new Flow<T>((subscriber) => TerminalSubscription.terminate(subscriber, shared));
  }
  const factory = error as () => unknown;
  return new Flow<T>((subscriber) => TerminalSubscription.terminate(subscriber, callFactory(factory)));
}

function callFactory(factory: () => unknown): Error {
  let made: unknown;
  try {
    made = factory();
  } catch (thrown) {
    return toError(thrown);
  }
  if (made == null) return withCode(new TypeError(`fail: the error factory returned ${String(made)}, not an error`), 'ERR_SLUICE_NULL_RESULT');
  return toError(made);
}
