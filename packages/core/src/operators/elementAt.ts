import type { Flow, Operator } from '../Flow';
import type { Publisher } from '../spec/Publisher';
import { EmptyError } from '../sinks/EmptyError';
import { defaultIfEmpty } from './defaultIfEmpty';
import { skip } from './skip';
import { take } from './take';
import { throwIfEmpty } from './throwIfEmpty';

/**
 * Emits the item at `index` (0-based) and completes, cancelling the source. If the source completes first, emits
 * `defaultValue` when given, else signals `onError(EmptyError)` naming the index.
 *
 * ```
 * source:        a b c d |
 * elementAt(2):      (c|)
 * ```
 *
 * **Demand**: the source is asked for `index + 1` items at most (as `skip(index)` then `take(1)`).
 * **Errors**: upstream errors pass through. **Cancellation**: cancels the source.
 *
 * @example
 * of('a', 'b', 'c').pipe(elementAt(1)); // 'b'
 */
export function elementAt<T, D = never>(index: number, options: { defaultValue?: D } = {}): Operator<T, T | D> {
  if (!(index >= 0) || !Number.isSafeInteger(index)) {
    throw new RangeError(`elementAt: index must be a non-negative safe integer, got ${String(index)}`);
  }
  if (options == null || typeof options !== 'object') throw new TypeError(`elementAt: options must be an object, got ${typeof options}`);
  const fallback: Operator<T, T | D> = options.defaultValue !== undefined
    ? defaultIfEmpty<T, D>(options.defaultValue)
    : throwIfEmpty<T>(() => new EmptyError('elementAt', `elementAt: the source completed before emitting an item at index ${index}`));
  const skipping = skip<T>(index);
  const one = take<T>(1);
  return (source: Publisher<T>): Flow<T | D> => fallback(one(skipping(source)));
}
