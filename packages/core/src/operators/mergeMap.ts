import type { Flow, Operator } from '../Flow';
import { requirePositiveBound } from '../internal/demand';
import { FlatMapSubscriber } from '../internal/FlatMapSubscriber';
import { lift } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

export interface MergeMapOptions {
  /** Most inner subscriptions alive at once. Default 16. `Infinity` only when asked for explicitly (RxJS's default). */
  concurrency?: number;
  /** Demand given to each inner publisher, and the bound of its queue; replenished at 75%. Default 32. */
  prefetch?: number;
}

export const DEFAULT_CONCURRENCY = 16;
export const DEFAULT_PREFETCH = 32;

/**
 * Projects each item to a publisher and merges the inner publishers' items, at most `concurrency` at a time.
 *
 * ```
 * source:                  a-------b---------|
 * mergeMap(x => x1 x2 x3): a1--a2----b1-a3---b2-b3|
 * ```
 *
 * **Demand**: requests `concurrency` outer items up front, and one more each time an inner finishes (completed and
 * its queued items emitted). Each inner gets `prefetch` and is replenished in batches once 75% of that was emitted;
 * inner items wait in a bounded per-inner queue, and the downstream receives, round-robin over the inners, no
 * more than it requested. **Errors**: the project function throwing or returning something that is not a
 * Publisher, an outer error or an inner error cancels the outer and every inner and signals `onError` at once
 * (eager, like RxJS; queued items are discarded). **Cancellation**: cancels the outer and every inner.
 *
 * @example
 * range(1, 3).pipe(mergeMap((x) => range(x * 10, 2), { concurrency: 2 })); // 10, 11, 20, 21, 30, 31
 */
export function mergeMap<T, R>(project: (value: T, index: number) => Publisher<R>, options: MergeMapOptions = {}): Operator<T, R> {
  if (typeof project !== 'function') throw new TypeError(`mergeMap: project must be a function, got ${typeof project}`);
  const concurrency = requirePositiveBound('mergeMap: concurrency', options.concurrency ?? DEFAULT_CONCURRENCY, true);
  const prefetch = requirePositiveBound('mergeMap: prefetch', options.prefetch ?? DEFAULT_PREFETCH);
  const settings = { name: 'mergeMap', concurrency, outerPrefetch: concurrency, prefetch };
  return (source: Publisher<T>): Flow<R> =>
    lift(source, (downstream: Subscriber<R>) => new FlatMapSubscriber<T, R>(downstream, project, settings));
}

/** Alias of {@link mergeMap} (Reactor's and RxJava's name). */
export const flatMap: typeof mergeMap = mergeMap;
