import type { Flow, Operator } from '../Flow';
import type { Publisher } from '../spec/Publisher';
import { defaultIfEmpty } from './defaultIfEmpty';
import { filter } from './filter';
import { take } from './take';
import { takeLast } from './takeLast';
import { defaultEmptyError, throwIfEmpty } from './throwIfEmpty';

/** Options of `first` and `last`. */
export interface FirstLastOptions<D> {
  /** Emitted when no item matches; without it, an empty result signals `onError(EmptyError)`. */
  defaultValue?: D;
}

type Predicate<T> = (value: T, index: number) => boolean;

/**
 * Emits the first item (or the first that matches `predicate`) and completes, cancelling the source. With no such
 * item, emits `defaultValue` if given, else signals `onError(EmptyError)`.
 *
 * ```
 * source:                1 2 3 4 |
 * first((x) => x > 1):     (2|)
 * ```
 *
 * **Demand**: the source is asked for at most one item when there is no predicate (as `take(1)`); with a predicate,
 * each non-matching item is replaced by a `request(1)` (as `filter`). Nothing is emitted without downstream demand.
 * **Errors**: a throwing predicate cancels the source and signals what it threw. **Cancellation**: cancels the source.
 *
 * @example
 * range(0, 10).pipe(first((x) => x > 4)); // 5
 * empty().pipe(first({ defaultValue: 0 })); // 0
 */
export function first<T, D = never>(options?: FirstLastOptions<D>): Operator<T, T | D>;
export function first<T, D = never>(predicate: Predicate<T>, options?: FirstLastOptions<D>): Operator<T, T | D>;
export function first<T, D>(a?: Predicate<T> | FirstLastOptions<D>, b?: FirstLastOptions<D>): Operator<T, T | D> {
  return pick('first', a, b, take(1));
}

/**
 * Emits the last item (or the last that matches `predicate`) when the source completes. With no such item, emits
 * `defaultValue` if given, else signals `onError(EmptyError)`.
 *
 * ```
 * source:               1 2 3 4 |
 * last((x) => x < 4):           (3|)
 * ```
 *
 * **Demand**: the source is drained to its end (unbounded request once the downstream asks), holding one item
 * (as `takeLast(1)`). **Errors**: a throwing predicate cancels the source and signals what it threw.
 * **Cancellation**: cancels the source and drops the held item.
 *
 * @example
 * range(0, 10).pipe(last()); // 9
 */
export function last<T, D = never>(options?: FirstLastOptions<D>): Operator<T, T | D>;
export function last<T, D = never>(predicate: Predicate<T>, options?: FirstLastOptions<D>): Operator<T, T | D>;
export function last<T, D>(a?: Predicate<T> | FirstLastOptions<D>, b?: FirstLastOptions<D>): Operator<T, T | D> {
  return pick('last', a, b, takeLast(1));
}

function pick<T, D>(operator: string, a: Predicate<T> | FirstLastOptions<D> | undefined, b: FirstLastOptions<D> | undefined, select: Operator<T, T>): Operator<T, T | D> {
  const predicate = typeof a === 'function' ? a : undefined;
  const options = typeof a === 'function' ? b : a;
  if (a !== undefined && a !== null && typeof a !== 'function' && typeof a !== 'object') {
    throw new TypeError(`${operator}: expected a predicate function or options, got ${typeof a}`);
  }
  if (options != null && typeof options !== 'object') throw new TypeError(`${operator}: options must be an object, got ${typeof options}`);
  const hasDefault = options != null && 'defaultValue' in options && options.defaultValue !== undefined;
  const fallback: Operator<T, T | D> = hasDefault ? defaultIfEmpty<T, D>(options!.defaultValue as D) : throwIfEmpty<T>(defaultEmptyError(operator));
  const matching: Operator<T, T> | null = predicate === undefined ? null : filter(predicate);
  return (source: Publisher<T>): Flow<T | D> =>
    matching === null ? fallback(select(source)) : fallback(select(matching(source)));
}
