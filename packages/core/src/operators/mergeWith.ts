import type { Flow, Operator } from '../Flow';
import type { Publisher } from '../spec/Publisher';
import { concat } from '../sources/concat';
import { merge } from '../sources/merge';
import { toFlows } from '../internal/lift';

/**
 * `source.pipe(mergeWith(a, b))` is `merge(source, a, b)`: the items of all, interleaved as they arrive.
 *
 * **Demand**, **Errors**, **Cancellation**: those of `merge` (each source prefetched with a bound; the first error
 * cancels the others).
 *
 * @example
 * clicks.pipe(mergeWith(keys)); // clicks and keys as they come
 */
export function mergeWith<T, O extends unknown[]>(...others: { [K in keyof O]: Publisher<O[K]> }): Operator<T, T | O[number]> {
  const flows = toFlows('mergeWith', others as readonly Publisher<unknown>[]);
  return (source: Publisher<T>): Flow<T | O[number]> => merge<T | O[number]>(source, ...(flows as Publisher<O[number]>[]));
}

/**
 * `source.pipe(concatWith(a, b))` is `concat(source, a, b)`: the source's items, then `a`'s, then `b`'s.
 *
 * **Demand**, **Errors**, **Cancellation**: those of `concat` (no queue; unused demand carries to the next source).
 *
 * @example
 * page1.pipe(concatWith(page2, page3));
 */
export function concatWith<T, O extends unknown[]>(...others: { [K in keyof O]: Publisher<O[K]> }): Operator<T, T | O[number]> {
  const flows = toFlows('concatWith', others as readonly Publisher<unknown>[]);
  return (source: Publisher<T>): Flow<T | O[number]> => concat<T | O[number]>(source, ...(flows as Publisher<O[number]>[]));
}
