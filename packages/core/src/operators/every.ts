import type { Flow, Operator } from '../Flow';
import type { Publisher } from '../spec/Publisher';
import { defaultIfEmpty } from './defaultIfEmpty';
import { filter } from './filter';
import { map } from './map';
import { take } from './take';

/**
 * Emits `true` if every item matches `predicate` (an empty source included), or `false` at the first that does not,
 * cancelling the source then.
 *
 * ```
 * source:             2 4 5 6 |
 * every((x) => x % 2 === 0): (false|)   at 5; 6 is never read
 * ```
 *
 * **Demand**: each matching item is replaced by a `request(1)` upstream (as `filter`), so the source is read one
 * item at a time beyond what the downstream asked, and not at all once the answer is known. **Errors**: a throwing
 * predicate cancels the source and signals what it threw. **Cancellation**: cancels the source.
 *
 * @example
 * range(0, 5).pipe(every((x) => x < 10)); // true
 */
export function every<T>(predicate: (value: T, index: number) => boolean): Operator<T, boolean> {
  return decide('every', predicate, false);
}

/**
 * Emits `true` at the first item that matches `predicate`, cancelling the source then, or `false` if the source
 * completes without one.
 *
 * ```
 * source:               1 3 4 5 |
 * some((x) => x % 2 === 0):  (true|)   at 4
 * ```
 *
 * **Demand**, **Errors**, **Cancellation**: as `every`.
 *
 * @example
 * range(0, 5).pipe(some((x) => x > 3)); // true
 */
export function some<T>(predicate: (value: T, index: number) => boolean): Operator<T, boolean> {
  return decide('some', predicate, true);
}

/** The first item for which `predicate(x) === found` decides the answer `found`; none means `!found`. */
function decide<T>(operator: string, predicate: (value: T, index: number) => boolean, found: boolean): Operator<T, boolean> {
  if (typeof predicate !== 'function') throw new TypeError(`${operator}: predicate must be a function, got ${typeof predicate}`);
  const deciding = filter<T>((value, index) => Boolean(predicate(value, index)) === found);
  const one = take<T>(1);
  const answer = map<T, boolean>(() => found);
  const otherwise = defaultIfEmpty<boolean, boolean>(!found);
  return (source: Publisher<T>): Flow<boolean> => otherwise(answer(one(deciding(source))));
}
