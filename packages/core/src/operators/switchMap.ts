import type { Flow, Operator } from '../Flow';
import { requirePositiveBound } from '../internal/demand';
import { lift } from '../internal/lift';
import { SingleInnerSubscriber } from '../internal/SingleInnerSubscriber';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

export interface SwitchMapOptions {
  /** Demand given to the running inner, and the bound of its queue; replenished at 75%. Default 32. */
  prefetch?: number;
}

/**
 * Projects each item to a publisher and emits the items of the most recent one only: a new outer item cancels the
 * running inner and starts the next.
 *
 * ```
 * source:                    a-------b---c------|
 * switchMap(x => x1 x2 x3):  a1--a2--b1--c1-c2-c3|
 * ```
 *
 * **Demand**: the outer is requested one item at a time, and the next one as soon as an item arrived (one request
 * always outstanding, no outer queue). The running inner gets `prefetch` and is replenished in batches once 75% of
 * that was emitted; its items wait in a bounded queue of `prefetch`. Downstream demand is counted in this stage
 * only, never handed to an inner, so it carries over exactly from one inner to the next. Items of a switched-away
 * inner that were queued without demand are discarded (counted as `dropped` in `inspect()`).
 * **Errors**: the project function throwing or returning a non-Publisher, an outer error or an inner error cancels
 * everything and signals `onError` at once. **Completion**: once the outer completed and the last inner completed
 * and was emitted. **Cancellation**: cancels the outer and the running inner. A project function that declares a
 * third parameter receives an `AbortSignal`, aborted when its inner is switched away or cancelled before it
 * finished (see mergeMap).
 *
 * @example
 * searchTerms.pipe(switchMap((term) => fetchResults(term))); // only the results of the latest term
 */
export function switchMap<T, R>(project: (value: T, index: number, signal: AbortSignal) => Publisher<R>, options: SwitchMapOptions = {}): Operator<T, R> {
  if (typeof project !== 'function') throw new TypeError(`switchMap: project must be a function, got ${typeof project}`);
  const prefetch = requirePositiveBound('switchMap: prefetch', options.prefetch ?? 32);
  const settings = { name: 'switchMap', mode: 'switch', prefetch } as const;
  return (source: Publisher<T>): Flow<R> =>
    lift(source, (downstream: Subscriber<R>) => new SingleInnerSubscriber<T, R>(downstream, project, settings));
}
