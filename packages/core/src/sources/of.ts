import { Flow } from '../Flow';
import { ArraySubscription, nullItemError } from '../internal/ArraySubscription';

/**
 * Emits the given items in order, then completes.
 *
 * ```
 * of(1, 2, 3): 1 2 3 |
 * request:     2.. 1.
 * ```
 *
 * `null` and `undefined` can never be elements (§2.13). Because `of` knows all its items when it is called, it
 * rejects them **eagerly**: `of(1, null)` throws a `TypeError` at assembly time, naming the position, rather than
 * building a Flow that fails later. (`from(array)` reads its array at subscription time, so it signals the same
 * `TypeError` through `onError` when it reaches the slot.)
 *
 * **Demand**: emits exactly what was requested, synchronously inside `request`; an unbounded request runs an
 * uncounted loop. `of()` completes without waiting for a request. **Errors**: an invalid `request(n)` cancels and
 * signals `onError(RangeError)` (§3.9). **Cancellation**: stops at once, even from inside `onNext`, and drops the
 * items.
 *
 * @example
 * of('a', 'b', 'c'); // a, b, c, complete
 */
export function of<T = never>(...items: T[]): Flow<T> {
  for (let i = 0; i < items.length; i++) {
    if (items[i] == null) throw nullItemError('of', i, items[i]); // §2.13 rejected at assembly
  }
  return new Flow<T>((subscriber) => new ArraySubscription(subscriber, items, 'of').begin());
}
