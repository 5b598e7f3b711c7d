import type { Duplex } from 'node:stream';
import type { AnyStage, CheckedChain, Flow, InputOf, Inspectable, Operator } from '@sluice/core';
import { FlowDuplex, type DuplexBridgeOptions } from './internal/FlowDuplex';

export type ToTransformOptions = DuplexBridgeOptions;

/**
 * A Node `Duplex` (usable wherever a Transform is, e.g. in `stream.pipeline`) that runs written chunks through
 * sluice operators and makes the results readable.
 *
 * ```
 * write:  a b c (end)
 * ops:    map(f)
 * read:   f(a) f(b) f(c) (end)
 * ```
 *
 * **Demand**: backpressured on both sides. The pipeline is subscribed on the first read; a written chunk is passed
 * on only against demand and its write callback waits until then, so Node's writable buffer (at most
 * `writableHighWaterMark`) fills and `write()` returns false; the readable side requests only what its buffer can
 * take (`readableHighWaterMark`).
 *
 * **Errors**: an operator error destroys the Duplex with that error (so `pipeline` destroys the other streams);
 * a destroy from outside (another stream's error, `signal`) cancels the sluice pipeline.
 *
 * **Cancellation**: if an operator cancels the input early (e.g. `take(n)`), the readable side ends and further
 * writes are accepted and discarded, as a Transform that stops pushing would; `destroy()` cancels everything.
 *
 * Options (both sides object mode by default) may be passed as the first argument.
 *
 * @example
 * await pipeline(fs.createReadStream('in.log'), split, toTransform(filter(isError), map(format)), process.stdout);
 */
export function toTransform(options?: ToTransformOptions): Duplex & Inspectable;
export function toTransform<T, A>(op1: Operator<T, A>): Duplex & Inspectable;
export function toTransform<T, A, B>(op1: Operator<T, A>, op2: Operator<A, B>): Duplex & Inspectable;
export function toTransform<T, A, B, C>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>): Duplex & Inspectable;
export function toTransform<T, A, B, C, D>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>): Duplex & Inspectable;
export function toTransform<T, A, B, C, D, E>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>): Duplex & Inspectable;
export function toTransform<T, A, B, C, D, E, F>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>): Duplex & Inspectable;
export function toTransform<T, A, B, C, D, E, F, G>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Operator<F, G>): Duplex & Inspectable;
export function toTransform<T, A, B, C, D, E, F, G, H>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Operator<F, G>, op8: Operator<G, H>): Duplex & Inspectable;
export function toTransform<T, A>(options: ToTransformOptions, op1: Operator<T, A>): Duplex & Inspectable;
export function toTransform<T, A, B>(options: ToTransformOptions, op1: Operator<T, A>, op2: Operator<A, B>): Duplex & Inspectable;
export function toTransform<T, A, B, C>(options: ToTransformOptions, op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>): Duplex & Inspectable;
export function toTransform<T, A, B, C, D>(options: ToTransformOptions, op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>): Duplex & Inspectable;
export function toTransform<T, A, B, C, D, E>(options: ToTransformOptions, op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>): Duplex & Inspectable;
export function toTransform<T, A, B, C, D, E, F>(options: ToTransformOptions, op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>): Duplex & Inspectable;
export function toTransform<T, A, B, C, D, E, F, G>(options: ToTransformOptions, op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Operator<F, G>): Duplex & Inspectable;
export function toTransform<T, A, B, C, D, E, F, G, H>(options: ToTransformOptions, op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>, op7: Operator<F, G>, op8: Operator<G, H>): Duplex & Inspectable;
export function toTransform<const Ops extends readonly AnyStage[]>(...operators: Ops & CheckedChain<InputOf<Ops>, Ops>): Duplex & Inspectable;
export function toTransform<const Ops extends readonly AnyStage[]>(
  options: ToTransformOptions, ...operators: Ops & CheckedChain<InputOf<Ops>, Ops>
): Duplex & Inspectable;
export function toTransform<I = unknown, O = unknown>(
  ...args: [ToTransformOptions?, ...Operator<any, any>[]] | Operator<any, any>[]
): Duplex & Inspectable {
  let options: ToTransformOptions = {};
  let operators = args as Operator<any, any>[];
  if (args.length > 0 && typeof args[0] !== 'function') {
    if (args[0] === null || typeof args[0] !== 'object') {
      throw new TypeError(`toTransform: expected operator functions or an options object first, got ${String(args[0])}`);
    }
    options = args[0] as ToTransformOptions;
    operators = args.slice(1) as Operator<any, any>[];
  }
  for (const op of operators) {
    if (typeof op !== 'function') throw new TypeError(`toTransform: expected operator functions, got ${typeof op}`);
  }
  return new FlowDuplex<I, O>('toTransform', (input: Flow<I>) => input.pipe(...operators) as Flow<O>, options);
}
