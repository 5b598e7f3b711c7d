import { nullItemError } from './ArraySubscription';
import { DrainSubscription } from './DrainSubscription';
import { toError, withCode } from './errors';
import { reportDroppedError } from './report';
import { RingBuffer } from './RingBuffer';
import type { SubscribeFunction } from '../Flow';
import type { Subscriber } from '../spec/Subscriber';

/**
 * The subscribe function of `fromAsyncIterable(iterable, { prefetch })` (its documentation describes demand, errors
 * and cancellation). A function, not a Flow, so that `Flow.from` can use it without an import cycle (ADR 0014, 9).
 */
export function asyncIterableSubscribe<T>(iterable: AsyncIterable<T>, prefetch: number): SubscribeFunction<T> {
  return (subscriber) => {
    new AsyncIterableSubscription(subscriber, iterable, prefetch).begin(); // §1.9
  };
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
