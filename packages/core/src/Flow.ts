import type { Publisher } from './spec/Publisher';
import type { Subscriber } from './spec/Subscriber';
import { nullSubscriberError } from './internal/errors';
import { DrainSubscription } from './internal/DrainSubscription';
import { ForwardingSubscriber } from './internal/ForwardingSubscriber';
import { reportError } from './internal/report';
import { SubscriberBoundary } from './internal/SubscriberBoundary';
import { BaseSubscriber } from './sinks/BaseSubscriber';
// No module imported here imports this one back (test/importCycles.test.ts; ADR 0014, decision 9): the conversion
// of `Flow.from` and the iterator of `[Symbol.asyncIterator]` are leaves that build subscribe functions and
// subscribers, never Flows.
import { subscribeFunctionOf, type FromInput } from './internal/fromInput';
import { iterateFlow, type FlowAsyncIterator } from './sinks/AsyncIteratorSubscriber';
import { observableKey, toInteropObservable, type InteropObservable } from './sinks/subscribeObserver';

/** Runs one subscription of a source: must call `subscriber.onSubscribe` first (§1.9). */
export type SubscribeFunction<T> = (subscriber: Subscriber<T>) => void;

/** An operator: a function from a Publisher to a Flow, applied with `flow.pipe(op)`. */
export type Operator<A, B> = (source: Publisher<A>) => Flow<B>;

/**
 * A stage as `pipe` sees it: any function from a Publisher to a Flow, whose exact result type (`Flow`,
 * `ConnectableFlow`, `SharedFlow`, ...) `pipe` keeps.
 */
export type Stage<A, R extends Flow<any>> = (source: Publisher<A>) => R;

/** Any stage, for chains whose types are checked by `CheckedChain`. */
export type AnyStage = (source: Publisher<any>) => Flow<any>;

/** The element type of a Flow (or of any Publisher). */
export type ElementOf<F> = F extends Publisher<infer E> ? E : never;

/**
 * Checks a chain of stages of any length: each stage must accept what the one before it emits. A stage that does
 * not is replaced by the stage that would fit, so the compiler reports that position. An array whose length is not
 * known (a spread of `Operator<any, any>[]`) is passed through: its positions cannot be told apart.
 */
export type CheckedChain<In, Ops extends readonly unknown[]> = number extends Ops['length']
  ? Ops
  : Ops extends readonly [infer First, ...infer Rest]
    ? First extends (source: Publisher<infer X>) => infer R
      ? [In] extends [X]
        ? [First, ...CheckedChain<ElementOf<R>, Rest>]
        : [Stage<In, Flow<unknown>>, ...Rest]
      : [AnyStage, ...Rest]
    : [];

/** The element type the first stage of a chain accepts (`unknown` for an empty chain). */
export type InputOf<Ops extends readonly unknown[]> = Ops extends readonly [(source: Publisher<infer X>) => any, ...unknown[]]
  ? X
  : unknown;

/** The result of applying a chain of stages to a `Flow<In>`: the last stage's result type. */
export type ChainResult<In, Ops extends readonly unknown[]> = Ops extends readonly []
  ? Flow<In>
  : Ops extends readonly [...unknown[], infer Last]
    ? Last extends (source: any) => infer R ? R : never
    : Ops extends readonly (infer E)[]
      ? E extends (source: any) => infer R ? R | Flow<In> : never
      : never;

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
    return input instanceof Flow ? input : new Flow<T>(subscribeFunctionOf(input));
  }

  subscribe(subscriber: Subscriber<T>): void {
    if (subscriber == null) throw nullSubscriberError(); // §1.9
    let flow: Flow<any> = this;
    // §2.13 a subscriber of our own never throws; any other one gets the boundary, so that a throw cancels every
    // stage above it (finalize, using, a combining source's inners, …), not only the drain loop that would catch it.
    let current: Subscriber<any> = isOwnSubscriber(subscriber) ? subscriber : new SubscriberBoundary<T>(subscriber);
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

  /**
   * Applies operators left to right: `flow.pipe(a, b, c)` is `c(b(a(flow)))`. Every position is type-checked
   * against the one before it, however long the chain, and the last operator's result type is kept as it is
   * (`pipe(publish())` is a `ConnectableFlow`, `pipe(share())` a `SharedFlow`). Up to 16 operators get full
   * contextual typing (`map((x) => x * 2)` knows `x`); longer chains are still checked position by position, with
   * callbacks typed by their own annotations. Use the standalone `pipe(...)` to name a reusable chain.
   */
  pipe(): Flow<T>;
  pipe<R extends Flow<any>>(op1: Stage<T, R>): R;
  pipe<A, R extends Flow<any>>(op1: Operator<T, A>, op2: Stage<A, R>): R;
  pipe<A, B, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Stage<B, R>): R;
  pipe<A, B, C, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Stage<C, R>): R;
  pipe<A, B, C, D, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Stage<D, R>): R;
  pipe<A, B, C, D, E, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Stage<E, R>): R;
  pipe<A, B, C, D, E, F, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Stage<F, R>): R;
  pipe<A, B, C, D, E, F, G, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Operator<F, G>, op8: Stage<G, R>): R;
  pipe<A, B, C, D, E, F, G, H, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Operator<F, G>, op8: Operator<G, H>, op9: Stage<H, R>): R;
  pipe<A, B, C, D, E, F, G, H, I, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Operator<F, G>, op8: Operator<G, H>, op9: Operator<H, I>, op10: Stage<I, R>): R;
  pipe<A, B, C, D, E, F, G, H, I, J, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Operator<F, G>, op8: Operator<G, H>, op9: Operator<H, I>, op10: Operator<I, J>, op11: Stage<J, R>): R;
  pipe<A, B, C, D, E, F, G, H, I, J, K, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Operator<F, G>, op8: Operator<G, H>, op9: Operator<H, I>, op10: Operator<I, J>, op11: Operator<J, K>, op12: Stage<K, R>): R;
  pipe<A, B, C, D, E, F, G, H, I, J, K, L, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Operator<F, G>, op8: Operator<G, H>, op9: Operator<H, I>, op10: Operator<I, J>, op11: Operator<J, K>, op12: Operator<K, L>, op13: Stage<L, R>): R;
  pipe<A, B, C, D, E, F, G, H, I, J, K, L, M, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Operator<F, G>, op8: Operator<G, H>, op9: Operator<H, I>, op10: Operator<I, J>, op11: Operator<J, K>, op12: Operator<K, L>, op13: Operator<L, M>, op14: Stage<M, R>): R;
  pipe<A, B, C, D, E, F, G, H, I, J, K, L, M, N, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Operator<F, G>, op8: Operator<G, H>, op9: Operator<H, I>, op10: Operator<I, J>, op11: Operator<J, K>, op12: Operator<K, L>, op13: Operator<L, M>, op14: Operator<M, N>, op15: Stage<N, R>): R;
  pipe<A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Operator<F, G>, op8: Operator<G, H>, op9: Operator<H, I>, op10: Operator<I, J>, op11: Operator<J, K>, op12: Operator<K, L>, op13: Operator<L, M>, op14: Operator<M, N>, op15: Operator<N, O>, op16: Stage<O, R>): R;
  pipe<const Ops extends readonly AnyStage[]>(...operators: Ops & CheckedChain<T, Ops>): ChainResult<T, Ops>;
  pipe(...operators: readonly AnyStage[]): Flow<unknown> {
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
    return iterateFlow(this, undefined)[Symbol.asyncIterator]();
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
function isOwnSubscriber(subscriber: object): boolean {
  return subscriber instanceof ForwardingSubscriber || subscriber instanceof DrainSubscription || subscriber instanceof BaseSubscriber;
}

/** Creates a source Flow from its subscribe function. The function must call `onSubscribe` first (§1.9). */
export function flowOf<T>(run: SubscribeFunction<T>): Flow<T> {
  return new Flow<T>(run);
}
