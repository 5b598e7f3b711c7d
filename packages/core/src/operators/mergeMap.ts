import type { Flow, Operator } from '../Flow';
import { requirePositiveBound } from '../internal/demand';
import { FlatMapSubscriber } from '../internal/FlatMapSubscriber';
import { lift } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

export interface MergeMapOptions<T = unknown> {
  /** Most inner subscriptions alive at once. Default 16. `Infinity` only when asked for explicitly (RxJS's default). */
  concurrency?: number;
  /** Demand given to each inner publisher, and the bound of its queue; replenished at 75%. Default 32. */
  prefetch?: number;
  /**
   * Per-job failure mode for worker pools. When given, a job whose project function throws or whose inner
   * publisher signals onError is reported here (with the outer item and its index), counted in
   * `inspect().jobs.failed`, and its slot is freed: the pool goes on with the next item. Items the failed inner
   * emitted before failing are still delivered. Without it (the default) the first failure fails the stage. A
   * callback that throws fails the stage with what it threw. Returning something that is not a Publisher is a
   * programming error and always fails the stage.
   */
  onJobError?: (error: Error, value: T, index: number) => void;
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
 * (eager, like RxJS; queued items are discarded), unless `onJobError` is given: then a job's failure is reported
 * and counted and the pool goes on. **Cancellation**: cancels the outer and every inner.
 *
 * **Worker pools**: a project function that declares a third parameter receives an `AbortSignal`, aborted when its
 * inner is cancelled before it finished (the subscriber cancelled, another job failed the stage, switchMap
 * switched away), never when it completed or failed by itself. Pass it to `fetch`, database drivers or timers so
 * the work stops rather than being abandoned. `inspect().jobs` reports the busy slots, the outer items waiting in
 * this stage, `concurrency`, and completed and failed jobs; `capacity` is the bound of the item buffers
 * (`concurrency × prefetch`).
 *
 * @example
 * range(1, 3).pipe(mergeMap((x) => range(x * 10, 2), { concurrency: 2 })); // 10, 11, 20, 21, 30, 31
 *
 * @example
 * // a pool of 8 workers; a failing job is logged and the pool goes on
 * jobs.pipe(mergeMap((job, _index, signal) => from(fetch(job.url, { signal })), {
 *   concurrency: 8,
 *   onJobError: (error, job) => log.warn({ job, error }),
 * }));
 */
export function mergeMap<T, R>(
  project: (value: T, index: number, signal: AbortSignal) => Publisher<R>,
  options: MergeMapOptions<T> = {},
): Operator<T, R> {
  if (typeof project !== 'function') throw new TypeError(`mergeMap: project must be a function, got ${typeof project}`);
  if (options === null || typeof options !== 'object') {
    // RxJS takes concurrency as a number here; sluice takes options, so say so instead of ignoring it
    throw new TypeError(`mergeMap: options must be an object such as { concurrency: 8 }, got ${options === null ? 'null' : typeof options}`);
  }
  const concurrency = requirePositiveBound('mergeMap: concurrency', options.concurrency ?? DEFAULT_CONCURRENCY, true);
  const prefetch = requirePositiveBound('mergeMap: prefetch', options.prefetch ?? DEFAULT_PREFETCH);
  const onJobError = options.onJobError;
  if (onJobError !== undefined && typeof onJobError !== 'function') {
    throw new TypeError(`mergeMap: onJobError must be a function, got ${typeof onJobError}`);
  }
  const settings = { name: 'mergeMap', concurrency, outerPrefetch: concurrency, prefetch, onJobError };
  return (source: Publisher<T>): Flow<R> =>
    lift(source, (downstream: Subscriber<R>) => new FlatMapSubscriber<T, R>(downstream, project, settings));
}

/** Alias of {@link mergeMap} (Reactor's and RxJava's name). */
export const flatMap: typeof mergeMap = mergeMap;
