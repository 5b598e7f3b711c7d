import type { Publisher } from './spec/Publisher';
import type { Subscriber } from './spec/Subscriber';
import { nullSubscriberError } from './internal/errors';
import { DrainSubscription } from './internal/DrainSubscription';
import { ForwardingSubscriber } from './internal/ForwardingSubscriber';
import { reportError } from './internal/report';
import { SubscriberBoundary } from './internal/SubscriberBoundary';
import { BaseSubscriber } from './sinks/BaseSubscriber';
// Cycle-safe: sources/from.ts imports this module, so `from` is referenced only inside `Flow.from`'s body.
import { from, type FromInput } from './sources/from';
import { observableKey, toInteropObservable, type InteropObservable } from './sinks/subscribeObserver';
import { toAsyncIterable, type FlowAsyncIterator } from './sinks/toAsyncIterable';

/** Runs one subscription of a source: must call `subscriber.onSubscribe` first (§1.9). */
export type SubscribeFunction<T> = (subscriber: Subscriber<T>) => void;

/** An operator: a function from a Publisher to a Flow, applied with `flow.pipe(op)`. */
export type Operator<A, B> = (source: Publisher<A>) => Flow<B>;

/** Builds the upstream subscriber of one stage from its downstream subscriber. */
export type LiftFunction<A, B> = (downstream: Subscriber<B>) => Subscriber<A>;

/**
 * A cold, demand-driven stream: a Reactive Streams `Publisher` with `pipe` for standalone operators.
 * Subscribing walks the chain of lifted stages in a loop, so even a 1,000-operator chain subscribes without deep
 * recursion.
 *
 * @example
 * range(0, 10).pipe(map((x) => x * 2), filter((x) => x > 4)).subscribe({ onNext: console.log });
 */
export class Flow<T> implements Publisher<T> {
  /** @internal */ readonly source: Flow<any> | null;
  /** @internal */ readonly lifter: LiftFunction<any, T> | null;
  /** @internal */ readonly run: SubscribeFunction<T> | null;

  /** @internal use `Flow.create`-style factories (`create`, `from`, …) or `lift` */
  constructor(run: SubscribeFunction<T> | null, source: Flow<any> | null = null, lifter: LiftFunction<any, T> | null = null) {
    this.run = run;
    this.source = source;
    this.lifter = lifter;
  }

  /**
   * Converts an array, iterable, async iterable, Promise or Publisher into a Flow: the same as the `from` source
   * (see its documentation for demand, errors and cancellation). A Flow is returned as is.
   *
   * @example
   * Flow.from([1, 2, 3]).pipe(map((x) => x * 2));
   */
  static from<T>(input: FromInput<T>): Flow<T> {
    return from(input);
  }

  subscribe(subscriber: Subscriber<T>): void {
    if (subscriber == null) throw nullSubscriberError(); // §1.9
    let flow: Flow<any> = this;
    // §2.13 a subscriber of our own never throws; any other one gets the boundary, so that a throw cancels every
    // stage above it (finalize, using, a combining source's inners, …), not only the drain loop that would catch it.
    let current: Subscriber<any> = isOwnSubscriber(subscriber) ? subscriber : new SubscriberBoundary(subscriber);
    while (flow.lifter !== null) {
      current = flow.lifter(current);
      flow = flow.source!;
    }
    try {
      flow.run!(current);
    } catch (error) {
      reportError(error); // §1.9 subscribe returns normally; sources never throw by design, this is a last resort
    }
  }

  pipe(): Flow<T>;
  pipe<A>(op1: Operator<T, A>): Flow<A>;
  pipe<A, B>(op1: Operator<T, A>, op2: Operator<A, B>): Flow<B>;
  pipe<A, B, C>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>): Flow<C>;
  pipe<A, B, C, D>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>): Flow<D>;
  pipe<A, B, C, D, E>(
    op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>,
  ): Flow<E>;
  pipe<A, B, C, D, E, F>(
    op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>,
    op6: Operator<E, F>,
  ): Flow<F>;
  pipe<A, B, C, D, E, F, G>(
    op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>,
    op6: Operator<E, F>, op7: Operator<F, G>,
  ): Flow<G>;
  pipe<A, B, C, D, E, F, G, H>(
    op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>,
    op6: Operator<E, F>, op7: Operator<F, G>, op8: Operator<G, H>,
  ): Flow<H>;
  pipe<A, B, C, D, E, F, G, H, I>(
    op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>,
    op6: Operator<E, F>, op7: Operator<F, G>, op8: Operator<G, H>, op9: Operator<H, I>,
  ): Flow<I>;
  pipe(...operators: Operator<any, any>[]): Flow<unknown>;
  pipe(...operators: Operator<any, any>[]): Flow<unknown> {
    let flow: Flow<any> = this;
    for (const op of operators) {
      if (typeof op !== 'function') throw new TypeError(`pipe: expected operator functions, got ${typeof op}`);
      flow = op(flow);
    }
    return flow;
  }

  /**
   * Makes every Flow usable in `for await`: a fresh subscription with a bounded buffer (prefetch 256, replenished at
   * 75%); `break` cancels upstream. For another prefetch or an AbortSignal use `toAsyncIterable(flow, options)`.
   */
  [Symbol.asyncIterator](): FlowAsyncIterator<T> {
    return toAsyncIterable(this)[Symbol.asyncIterator]();
  }

  /**
   * The Observable interop point that RxJS `from(flow)` reads (`Symbol.observable`; '@@observable' where that symbol
   * is not defined). The returned Observable-like requests a bounded prefetch of 256 and re-requests 75% of it as
   * items are pushed; `unsubscribe()` cancels. For another prefetch use `toObservable` from `@sluice/rxjs`.
   */
  ['@@observable'](): InteropObservable<T> {
    return toInteropObservable(this);
  }
}

// Where `Symbol.observable` exists (a polyfill loaded first), RxJS looks the method up under it instead.
if (observableKey !== '@@observable') {
  Object.defineProperty(Flow.prototype, observableKey, { value: Flow.prototype['@@observable'], writable: true, configurable: true });
}

/** Stages and sinks of sluice catch their own user code (§2.13), so they need no boundary. */
function isOwnSubscriber(subscriber: Subscriber<unknown>): boolean {
  return subscriber instanceof ForwardingSubscriber || subscriber instanceof DrainSubscription || subscriber instanceof BaseSubscriber;
}

/** Creates a source Flow from its subscribe function. The function must call `onSubscribe` first (§1.9). */
export function flowOf<T>(run: SubscribeFunction<T>): Flow<T> {
  return new Flow<T>(run);
}
