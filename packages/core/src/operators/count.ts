import type { Operator } from '../Flow';
import { reduce } from './reduce';

/**
 * Counts the items (or those that match `predicate`) and emits the count when the source completes.
 *
 * ```
 * source:  a b c |
 * count:         (3|)
 * ```
 *
 * **Demand**: as `reduce`: the source is drained (one unbounded request once the downstream asks), holding only
 * the count. **Errors**: a throwing predicate cancels the source and signals what it threw. **Cancellation**:
 * cancels the source.
 *
 * @example
 * range(0, 10).pipe(count((x) => x % 2 === 0)); // 5
 */
export function count<T>(predicate?: (value: T, index: number) => boolean): Operator<T, number> {
  if (predicate !== undefined && typeof predicate !== 'function') {
    throw new TypeError(`count: predicate must be a function, got ${typeof predicate}`);
  }
  if (predicate === undefined) return reduce<T, number>((n) => n + 1, 0);
  return reduce<T, number>((n, value, index) => (predicate(value, index) ? n + 1 : n), 0);
}
