import type { SubscribeFunction } from '../Flow';
import type { Publisher } from '../spec/Publisher';
import { adaptPublisher } from './adaptPublisher';
import { ArraySubscription } from './ArraySubscription';
import { asyncIterableSubscribe } from './AsyncIterableSubscription';
import { describeValue } from './demand';
import { IterableSubscription } from './IterableSubscription';
import { promiseSubscribe } from './PromiseFlow';

// What `from` does for every input that is not already a sluice Flow, as a subscribe function: `Flow.from` wraps it
// in a Flow. Nothing here imports the Flow class, so Flow.ts can import this module without an import cycle
// (ADR 0014, decision 9); `sources/from` is `Flow.from` with its own overloads and documentation.

/** Everything `from` accepts. */
export type FromInput<T> = Publisher<T> | PromiseLike<T | null | undefined> | AsyncIterable<T> | Iterable<T>;

/** The subscribe function of `from(input)` for an input that is not a sluice Flow; throws for an unconvertible one. */
export function subscribeFunctionOf<T>(input: FromInput<T>): SubscribeFunction<T> {
  if (input == null || (typeof input !== 'object' && typeof input !== 'function' && typeof input !== 'string')) {
    throw notConvertible(input);
  }
  const candidate = input as Partial<Publisher<T> & PromiseLike<T> & AsyncIterable<T> & Iterable<T>>;
  if (typeof candidate.subscribe === 'function') {
    if (isForeignObservable(input)) throw observableError();
    return adaptPublisher(input as Publisher<T>); // the strict boundary adapter, as `toFlow` gives
  }
  if (typeof candidate.then === 'function') return promiseSubscribe<T>(input as PromiseLike<T>);
  if (Array.isArray(input)) return (subscriber) => new ArraySubscription(subscriber, input as T[], 'from').begin();
  if (typeof candidate[Symbol.asyncIterator] === 'function') return asyncIterableSubscribe(input as AsyncIterable<T>, 1);
  if (typeof candidate[Symbol.iterator] === 'function') {
    const iterable = input as Iterable<T>;
    return (subscriber) => new IterableSubscription(subscriber, iterable).begin();
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
