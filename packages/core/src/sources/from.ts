import { Flow } from '../Flow';
import type { Publisher } from '../spec/Publisher';
import type { FromInput } from '../internal/fromInput';

export type { FromInput } from '../internal/fromInput';

/**
 * Converts an array, iterable, async iterable, Promise (or thenable) or Publisher into a Flow.
 *
 * ```
 * from([1, 2, 3]):          1 2 3 |
 * from(Promise.resolve(7)): ----7 |
 * ```
 *
 * Input kinds, checked in this order: a sluice `Flow` is returned as is; any other Publisher is wrapped in the strict
 * boundary adapter (`toFlow`), except an RxJS-style Observable (a `subscribe` plus `Symbol.observable`), which is
 * rejected with a pointer to `fromObservable` in `@sluice/rxjs`; a thenable emits its value, then completes (a value of `null`/`undefined` completes
 * **empty**, so a `Promise<void>` reads as "done"); an array is read live, index by index; an async iterable goes to
 * `fromAsyncIterable`; any other iterable (strings included, by code point) is pulled against demand.
 *
 * **Demand**: arrays and iterables emit synchronously inside `request`, calling `iterator.next()` once per requested
 * item (an unbounded request runs an uncounted loop); a resolved value waits for a request. **Errors**: a rejection
 * or a throwing iterator is signalled as `onError`; a `null`/`undefined` array or iterator item as
 * `onError(TypeError)` (§2.13). Input of any other kind throws a `TypeError` at assembly, naming it.
 * **Cancellation**: stops at once; an unfinished iterator gets `return()`; a pending promise is left to settle (its
 * outcome is then ignored), but the subscriber is released (§3.13). An iterable completes on the request after its
 * last item: seeing the end takes a `next()` call, and those are only made against demand.
 *
 * @example
 * from(new Set(['a', 'b'])); // a, b, complete
 * from(fetch(url).then((r) => r.json())); // the body, complete
 */
export function from<T>(input: Publisher<T>): Flow<T>;
export function from<T>(input: PromiseLike<T>): Flow<NonNullable<T>>;
export function from<T>(input: AsyncIterable<T>): Flow<T>;
export function from<T>(input: Iterable<T>): Flow<T>;
export function from<T>(input: FromInput<T>): Flow<T>;
export function from<T>(input: FromInput<T>): Flow<T> {
  return Flow.from(input); // one implementation: Flow.ts imports the conversion, which cannot import Flow back
}
