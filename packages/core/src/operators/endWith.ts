import type { Flow, Operator } from '../Flow';
import { arraySource } from '../internal/arraySource';
import type { Publisher } from '../spec/Publisher';
import { concat } from '../sources/concat';
import { describeValue } from '../internal/demand';

/**
 * Emits everything the source emits, then `items` once the source completes.
 *
 * ```
 * source:          ---a--b--|
 * endWith(x, y):   ---a--b--x y|
 * ```
 *
 * **Demand**: source items and then the given items go out only against downstream demand; the demand the source
 * left unused carries over to the appended items exactly (`concat`), so a downstream that stops requesting leaves
 * the items waiting.
 * **Errors**: `null`/`undefined` among `items` throws a `TypeError` at assembly (§2.13); a source error passes
 * through and the items are not emitted; an invalid `request(n)` signals `onError(RangeError)` (§3.9).
 * **Cancellation**: cancels the source, or stops emitting the appended items.
 *
 * @example
 * range(1, 3).pipe(endWith(99)); // 1, 2, 3, 99
 */
export function endWith<T, S = T>(...items: S[]): Operator<T, T | S> {
  requireItems('endWith', items);
  const suffix = items.slice();
  return (source: Publisher<T>): Flow<T | S> => concat<T | S>(source, arraySource(suffix, 'endWith'));
}

function requireItems(operator: string, items: readonly unknown[]): void {
  items.forEach((item, i) => {
    if (item == null) throw new TypeError(`${operator}: item ${i} is ${describeValue(item)}; null and undefined are never elements (§2.13)`);
  });
}
