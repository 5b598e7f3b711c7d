import type { AnyStage, ChainResult, CheckedChain, Flow, InputOf, Operator, Stage } from '../Flow';
import { toFlow } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';

/**
 * Composes operators into one reusable operator: `pipe(a, b, c)(source)` is `source.pipe(a, b, c)`. Typed like
 * `Flow.pipe`: every position is checked against the one before it and the last operator's result type is kept.
 * The first operator's input type must come from its own annotation (there is no source yet to infer it from).
 *
 * **Demand / Errors / Cancellation**: exactly those of the composed operators; `pipe` adds no stage of its own.
 *
 * @example
 * const evensDoubled = pipe(filter((x: number) => x % 2 === 0), map((x) => x * 2));
 * range(0, 10).pipe(evensDoubled); // 0, 4, 8, 12, 16
 */
export function pipe<T>(): Operator<T, T>;
export function pipe<T, R extends Flow<any>>(op1: Stage<T, R>): Stage<T, R>;
export function pipe<T, A, R extends Flow<any>>(op1: Operator<T, A>, op2: Stage<A, R>): Stage<T, R>;
export function pipe<T, A, B, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Stage<B, R>): Stage<T, R>;
export function pipe<T, A, B, C, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Stage<C, R>): Stage<T, R>;
export function pipe<T, A, B, C, D, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Stage<D, R>): Stage<T, R>;
export function pipe<T, A, B, C, D, E, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Stage<E, R>): Stage<T, R>;
export function pipe<T, A, B, C, D, E, F, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Stage<F, R>): Stage<T, R>;
export function pipe<T, A, B, C, D, E, F, G, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Operator<F, G>, op8: Stage<G, R>): Stage<T, R>;
export function pipe<T, A, B, C, D, E, F, G, H, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Operator<F, G>, op8: Operator<G, H>, op9: Stage<H, R>): Stage<T, R>;
export function pipe<T, A, B, C, D, E, F, G, H, I, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Operator<F, G>, op8: Operator<G, H>, op9: Operator<H, I>, op10: Stage<I, R>): Stage<T, R>;
export function pipe<T, A, B, C, D, E, F, G, H, I, J, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Operator<F, G>, op8: Operator<G, H>, op9: Operator<H, I>, op10: Operator<I, J>, op11: Stage<J, R>): Stage<T, R>;
export function pipe<T, A, B, C, D, E, F, G, H, I, J, K, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Operator<F, G>, op8: Operator<G, H>, op9: Operator<H, I>, op10: Operator<I, J>, op11: Operator<J, K>, op12: Stage<K, R>): Stage<T, R>;
export function pipe<T, A, B, C, D, E, F, G, H, I, J, K, L, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Operator<F, G>, op8: Operator<G, H>, op9: Operator<H, I>, op10: Operator<I, J>, op11: Operator<J, K>, op12: Operator<K, L>, op13: Stage<L, R>): Stage<T, R>;
export function pipe<T, A, B, C, D, E, F, G, H, I, J, K, L, M, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Operator<F, G>, op8: Operator<G, H>, op9: Operator<H, I>, op10: Operator<I, J>, op11: Operator<J, K>, op12: Operator<K, L>, op13: Operator<L, M>, op14: Stage<M, R>): Stage<T, R>;
export function pipe<T, A, B, C, D, E, F, G, H, I, J, K, L, M, N, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Operator<F, G>, op8: Operator<G, H>, op9: Operator<H, I>, op10: Operator<I, J>, op11: Operator<J, K>, op12: Operator<K, L>, op13: Operator<L, M>, op14: Operator<M, N>, op15: Stage<N, R>): Stage<T, R>;
export function pipe<T, A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, R extends Flow<any>>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Operator<F, G>, op8: Operator<G, H>, op9: Operator<H, I>, op10: Operator<I, J>, op11: Operator<J, K>, op12: Operator<K, L>, op13: Operator<L, M>, op14: Operator<M, N>, op15: Operator<N, O>, op16: Stage<O, R>): Stage<T, R>;export function pipe<const Ops extends readonly AnyStage[]>(
  ...operators: Ops & CheckedChain<InputOf<Ops>, Ops>
): Stage<InputOf<Ops>, ChainResult<InputOf<Ops>, Ops>>;
export function pipe(...operators: readonly AnyStage[]): Stage<unknown, Flow<unknown>> {
  for (let i = 0; i < operators.length; i++) {
    if (typeof operators[i] !== 'function') {
      throw new TypeError(`pipe: expected operator functions, got ${typeof operators[i]} at position ${i}`);
    }
  }
  const stages = operators.slice();
  return (source: Publisher<unknown>) => {
    let flow: Flow<any> = toFlow(source);
    for (const stage of stages) flow = stage(flow);
    return flow;
  };
}
