import type { SubscribeFunction } from '../Flow';
import type { Subscriber } from '../spec/Subscriber';
import { DrainSubscription } from './DrainSubscription';
import { toError } from './errors';

/** Where the subscribe function of `from(promise)` keeps its promise (a property of a function this module made). */
const PROMISE: unique symbol = Symbol('sluice.promise');

interface PromiseCarrier<T> {
  [PROMISE]?: PromiseLike<T | null | undefined>;
}

/**
 * The subscribe function of the Flow `from(promise)` builds. That Flow behaves like any other; its subscribe
 * function also carries the promise so that a flattening stage can take the outcome without a subscription
 * (decision 0010): the same signals, one `then` instead of a Flow subscription, a DrainSubscription and a request
 * round trip per inner. A function, not a Flow, so that `Flow.from` can use it without an import cycle (ADR 0014, 9).
 */
export function promiseSubscribe<T>(promise: PromiseLike<T | null | undefined>): SubscribeFunction<T> {
  const run: SubscribeFunction<T> & PromiseCarrier<T> = (subscriber) => {
    new PromiseSubscription(subscriber, promise).begin();
  };
  run[PROMISE] = promise;
  return run;
}

/** The promise behind a Flow built by `from(promise)` (read from its subscribe function), or undefined for any other publisher. */
export function promiseOf<T>(publisher: object): PromiseLike<T | null | undefined> | undefined {
  const run = (publisher as { run?: unknown }).run;
  return typeof run === 'function' ? (run as PromiseCarrier<T>)[PROMISE] : undefined;
}

/** Holds the settled outcome (at most one item: bounded) until there is demand for it. */
class PromiseSubscription<T> extends DrainSubscription<T> {
  private settled = false;
  private value: T | null | undefined = undefined;
  private error: Error | null = null;
  private promise: PromiseLike<T | null | undefined> | null;

  constructor(downstream: Subscriber<T>, promise: PromiseLike<T | null | undefined>) {
    super(downstream);
    this.promise = promise;
  }

  /** Listens to the promise (never, if the subscriber cancelled or failed inside onSubscribe). */
  protected override onBegin(): void {
    const promise = this.promise!;
    this.promise = null; // §3.13 the subscription keeps the outcome, not the promise
    // Promise.resolve adopts thenables safely: a `then` that throws becomes a rejection.
    Promise.resolve(promise).then(
      (value) => this.settle(value, null),
      (error: unknown) => this.settle(undefined, toError(error)),
    );
  }

  private settle(value: T | null | undefined, error: Error | null): void {
    if (this.cancelled) return;
    this.settled = true;
    this.value = value;
    this.error = error;
    this.drain();
  }

  protected emitSome(downstream: Subscriber<T>): void {
    if (!this.settled) return;
    if (this.error !== null) return this.fail(this.error);
    const value = this.value;
    if (value == null) return this.complete(); // a null/undefined result means "no item", not an error
    if (this.requested === 0) return;
    this.value = undefined;
    downstream.onNext(value);
    if (!this.cancelled) this.complete();
  }

  protected override dispose(): void {
    this.value = undefined; // §3.13
    this.error = null;
    this.promise = null; // cancelled inside onSubscribe, before listening
  }
}
