import { Flow } from '../Flow';
import { nullItemError } from '../internal/ArraySubscription';
import { requirePositiveBound } from '../internal/demand';
import { DrainSubscription } from '../internal/DrainSubscription';
import { toError, withCode } from '../internal/errors';
import { reportDroppedError } from '../internal/report';
import { RingBuffer } from '../internal/RingBuffer';
import type { Subscriber } from '../spec/Subscriber';

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
  return new Flow<T>((subscriber) => {
    new AsyncIterableSubscription(subscriber, iterable, prefetch).begin(); // §1.9
  });
}

const PENDING = 0;
const FULFILLED = 1;
const REJECTED = 2;

/** One `next()` call in flight; delivered in call order once settled. */
interface Pull {
  state: number;
  outcome: unknown;
}

class AsyncIterableSubscription<T> extends DrainSubscription<T> {
  private iterable: AsyncIterable<T> | null;
  private iterator: AsyncIterator<T> | null = null;
  private readonly pulls: RingBuffer<Pull>;
  private index = 0;

  constructor(downstream: Subscriber<T>, iterable: AsyncIterable<T>, prefetch: number) {
    super(downstream);
    this.iterable = iterable;
    this.pulls = new RingBuffer<Pull>(prefetch);
  }

  protected emitSome(downstream: Subscriber<T>): void {
    for (let head = this.pulls.peek(); head !== undefined && head.state !== PENDING; head = this.pulls.peek()) {
      this.pulls.poll();
      if (head.state === REJECTED) return this.finish(toError(head.outcome));
      const result = head.outcome as IteratorResult<T>;
      if (result === null || typeof result !== 'object') {
        return this.finish(withCode(new TypeError(`fromAsyncIterable: next() resolved to ${String(result)}, not an iterator result`), 'ERR_SLUICE_NOT_AN_ITERATOR_RESULT'));
      }
      if (result.done) return this.finish(null);
      if (result.value == null) return this.fail(nullItemError('fromAsyncIterable', this.index, result.value)); // §2.13
      this.index++;
      downstream.onNext(result.value);
      if (this.cancelled) return;
    }
    // §1.1 a next() call only against demand not yet covered by a call in flight
    while (this.requested > 0 && !this.pulls.isFull) {
      const iterator = this.iterator ?? this.open();
      if (iterator === null) return;
      this.requested--; // Infinity - 1 stays Infinity
      let promise: unknown;
      try {
        promise = iterator.next();
      } catch (error) {
        return this.finish(toError(error));
      }
      const pull: Pull = { state: PENDING, outcome: undefined };
      this.pulls.offer(pull);
      Promise.resolve(promise).then(
        (result) => this.settle(pull, FULFILLED, result),
        (error: unknown) => this.settle(pull, REJECTED, error),
      );
    }
  }

  private open(): AsyncIterator<T> | null {
    try {
      this.iterator = this.iterable![Symbol.asyncIterator]();
    } catch (error) {
      this.finish(toError(error));
      return null;
    }
    this.iterable = null;
    return this.iterator;
  }

  private settle(pull: Pull, state: number, outcome: unknown): void {
    if (this.cancelled) return; // in flight at cancel time: discarded
    pull.state = state;
    pull.outcome = outcome;
    this.drain();
  }

  /** The iterator ended on its own (done, rejected, or broke the protocol): no `return()`, then terminate. */
  private finish(error: Error | null): void {
    this.iterator = null;
    if (error === null) this.complete();
    else this.fail(error);
  }

  protected override dispose(): void {
    this.iterable = null;
    this.pulls.clear();
    const iterator = this.iterator;
    this.iterator = null; // §3.13
    if (iterator === null || typeof iterator.return !== 'function') return;
    try {
      // §3.15 cancel returns normally. Nobody listens any more, so a `finally` that throws is dropped, not thrown.
      Promise.resolve(iterator.return()).then(undefined, reportDroppedError);
    } catch (error) {
      reportDroppedError(error);
    }
  }
}
