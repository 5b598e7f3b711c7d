import { Flow } from '../Flow';
import { ArraySubscription } from '../internal/ArraySubscription';
import { describeValue } from '../internal/demand';
import { IterableSubscription } from '../internal/IterableSubscription';
import { toFlow } from '../internal/lift';
import { promiseFlow } from '../internal/PromiseFlow';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import { fromAsyncIterable } from './fromAsyncIterable';

/** Everything `from` accepts. */
export type FromInput<T> = Publisher<T> | PromiseLike<T | null | undefined> | AsyncIterable<T> | Iterable<T>;

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
  if (input instanceof Flow) return input;
  if (input == null || (typeof input !== 'object' && typeof input !== 'function' && typeof input !== 'string')) {
    throw notConvertible(input);
  }
  const candidate = input as Partial<Publisher<T> & PromiseLike<T> & AsyncIterable<T> & Iterable<T>>;
  if (typeof candidate.subscribe === 'function') {
    if (isForeignObservable(input)) throw observableError();
    return toFlow(input as Publisher<T>);
  }
  if (typeof candidate.then === 'function') return fromPromise(input as PromiseLike<T>);
  if (Array.isArray(input)) return new Flow<T>((subscriber) => new ArraySubscription(subscriber, input as T[], 'from').begin());
  if (typeof candidate[Symbol.asyncIterator] === 'function') return fromAsyncIterable(input as AsyncIterable<T>);
  if (typeof candidate[Symbol.iterator] === 'function') {
    const iterable = input as Iterable<T>;
    return new Flow<T>((subscriber) => new IterableSubscription(subscriber, iterable).begin());
  }
  throw notConvertible(input);
}

/**
 * An RxJS-style Observable also has `subscribe`, but it pushes without demand and would never call `onSubscribe`.
 * It is recognised by its interop method; a sluice Flow from another copy of this package (it has `lifter`) is not.
 */
function isForeignObservable(input: object): boolean {
  const key = (Symbol as { observable?: symbol }).observable;
  const interop = typeof key === 'symbol' && typeof (input as Record<symbol, unknown>)[key] === 'function';
  return (interop || typeof (input as Record<string, unknown>)['@@observable'] === 'function') && !('lifter' in input);
}

function observableError(): TypeError {
  return new TypeError(
    'from: got an Observable, which pushes without demand; use fromObservable from @sluice/rxjs, which bounds it',
  );
}

function notConvertible(input: unknown): TypeError {
  const what =
    typeof input === 'object' && input !== null
      ? `an object (${Object.getPrototypeOf(input)?.constructor?.name ?? 'null prototype'})`
      : typeof input === 'function'
        ? `a function (${input.name || 'anonymous'})`
        : input == null
          ? String(input)
          : `${typeof input} ${describeValue(input)}`;
  return new TypeError(
    `from: expected an array, iterable, async iterable, Promise or Publisher, got ${what} ` +
      'with no subscribe, then, Symbol.iterator or Symbol.asyncIterator',
  );
}

function fromPromise<T>(promise: PromiseLike<T>): Flow<T> {
  return promiseFlow<T>(promise);
}
