import type { Flow, Operator } from '../Flow';
import { requirePositiveBound } from '../internal/demand';
import { FlatMapSubscriber } from '../internal/FlatMapSubscriber';
import { lift } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

export interface ConcatMapOptions {
  /** Outer items requested ahead, counting the one whose inner is running. Default 2. */
  prefetch?: number;
  /** Demand given to the running inner, and the bound of its queue; replenished at 75%. Default 32. */
  innerPrefetch?: number;
}

/**
 * Projects each item to a publisher and emits the inner publishers' items one inner after another, in order.
 *
 * ```
 * source:                a-b--------|
 * concatMap(x => x1 x2): a1--a2-b1-b2|
 * ```
 *
 * **Demand**: requests `prefetch` outer items up front (one runs, the others wait in a bounded queue) and one more
 * each time an inner finishes (completed and its queued items emitted). The running inner gets `innerPrefetch`,
 * replenished in batches at 75%; downstream never receives more than it requested. It is mergeMap's engine with
 * concurrency 1, so items keep the outer order. **Errors**: the project function throwing or returning a
 * non-Publisher, an outer error or an inner error cancels everything and signals `onError` at once.
 * **Cancellation**: cancels the outer and the running inner, and drops the waiting outer items.
 *
 * @example
 * range(1, 3).pipe(concatMap((x) => range(x * 10, 2))); // 10, 11, 20, 21, 30, 31
 */
export function concatMap<T, R>(project: (value: T, index: number, signal: AbortSignal) => Publisher<R>, options: ConcatMapOptions = {}): Operator<T, R> {
  if (typeof project !== 'function') throw new TypeError(`concatMap: project must be a function, got ${typeof project}`);
  const outerPrefetch = requirePositiveBound('concatMap: prefetch', options.prefetch ?? 2);
  const prefetch = requirePositiveBound('concatMap: innerPrefetch', options.innerPrefetch ?? 32);
  const settings = { name: 'concatMap', concurrency: 1, outerPrefetch, prefetch };
  return (source: Publisher<T>): Flow<R> =>
    lift(source, (downstream: Subscriber<R>) => new FlatMapSubscriber<T, R>(downstream, project, settings));
}
