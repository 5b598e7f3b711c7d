import { Flow } from '../Flow';
import { asyncIterableSubscribe } from '../internal/AsyncIterableSubscription';
import { requirePositiveBound } from '../internal/demand';

export interface FromAsyncIterableOptions {
  /** How many `next()` calls may be in flight at once (each one backed by a requested item). Default 1. */
  prefetch?: number;
}

/**
 * Emits the values of an async iterable (an async generator, a Node stream, …) against demand, then completes.
 *
 * ```
 * source:  --a--b------c|
 * request: 1....1.1
 * output:  --a--b------c|
 * ```
 *
 * **Demand**: pulls, never pushes: each `next()` call is backed by one requested, not yet delivered item, and at
 * most `prefetch` (default 1) are in flight at once; results are delivered in call order. The iterator is created
 * on the first request. Completion arrives when a `next()` result says `done`, so even an empty iterable completes
 * only after a request. **Errors**: a rejected `next()` (or a throw from it or from `[Symbol.asyncIterator]()`) is
 * signalled as `onError`; a `null`/`undefined` value is signalled as `onError(TypeError)` (§2.13) and the iterator
 * is closed with `return()`. **Cancellation**: calls `iterator.return()` unless the iterator already finished, so
 * async generators run their `finally` blocks; a throw or rejection from `return()` goes to the error reporter.
 * Outcomes of `next()` calls still in flight at cancel time are discarded.
 *
 * @example
 * async function* lines() { yield 'a'; yield 'b'; }
 * fromAsyncIterable(lines()); // a, b, complete
 */
export function fromAsyncIterable<T>(iterable: AsyncIterable<T>, options: FromAsyncIterableOptions = {}): Flow<T> {
  if (iterable == null || typeof (iterable as AsyncIterable<T>)[Symbol.asyncIterator] !== 'function') {
    throw new TypeError(`fromAsyncIterable: expected an async iterable (with [Symbol.asyncIterator]), got ${String(iterable)}`);
  }
  const prefetch = options.prefetch === undefined ? 1 : requirePositiveBound('fromAsyncIterable: prefetch', options.prefetch);
  return new Flow<T>(asyncIterableSubscribe(iterable, prefetch));
}
