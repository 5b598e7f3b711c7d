import type { Flow, Operator } from '../Flow';
import { arraySource } from '../internal/arraySource';
import { describeValue } from '../internal/demand';
import type { Publisher } from '../spec/Publisher';
import { concat } from '../sources/concat';

/**
 * Emits `items` first, then everything the source emits.
 *
 * ```
 * source:           ---a--b--|
 * startWith(x, y):  x y---a--b--|
 * ```
 *
 * **Demand**: the given items are emitted only against downstream demand; the source is subscribed once they are
 * all out, and asked for exactly the demand they left unused (`concat` carries it over).
 * **Errors**: `null`/`undefined` among `items` throws a `TypeError` at assembly (§2.13: they are never elements);
 * a source error passes through; an invalid `request(n)` signals `onError(RangeError)` (§3.9).
 * **Cancellation**: before the items are out, the source is never subscribed; afterwards it is cancelled.
 *
 * @example
 * range(1, 3).pipe(startWith(0)); // 0, 1, 2, 3
 */
export function startWith<T, S = T>(...items: S[]): Operator<T, S | T> {
  requireItems('startWith', items);
  const prefix = items.slice();
  return (source: Publisher<T>): Flow<S | T> => concat<S | T>(arraySource(prefix, 'startWith'), source);
}

function requireItems(operator: string, items: readonly unknown[]): void {
  items.forEach((item, i) => {
    if (item == null) throw new TypeError(`${operator}: item ${i} is ${describeValue(item)}; null and undefined are never elements (§2.13)`);
  });
}
