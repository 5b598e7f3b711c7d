import type { Flow, Operator } from '../Flow';
import { BackpressureBufferSubscriber } from '../internal/BackpressureBufferSubscriber';
import { UNBOUNDED } from '../internal/demand';
import { lift } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';

/**
 * Requests unbounded upstream and, while downstream has no demand, keeps only the most recent item, delivering
 * it as soon as demand arrives.
 *
 * ```
 * upstream:    1 2 3 4 5 |
 * request:   1.......1.....1
 * downstream:  1.......4.....5 |   (2 and 3 replaced by 4, each replacement counted as dropped)
 * ```
 *
 * **Demand**: requests `Infinity` upstream once; holds at most one undelivered item. **Errors**: upstream errors
 * are signalled after the held item is delivered; if `onDrop` throws, upstream is cancelled and the error follows
 * the held item. **Cancellation**: cancels upstream and discards the held item. `inspect()` on the subscription
 * reports the `dropped` (replaced) counter; `onDrop` is called with each replaced item, like its siblings'.
 *
 * @example
 * sensorReadings.pipe(onBackpressureLatest()); // a slow renderer always gets the freshest reading
 * sensorReadings.pipe(onBackpressureLatest((stale) => stats.skipped++));
 */
export function onBackpressureLatest<T>(onDrop?: (item: T) => void): Operator<T, T> {
  if (onDrop !== undefined && typeof onDrop !== 'function') {
    throw new TypeError(`onBackpressureLatest: onDrop must be a function, got ${typeof onDrop}`);
  }
  return (source: Publisher<T>): Flow<T> =>
    lift(source, (downstream) => {
      const config = { stage: 'onBackpressureLatest', capacity: 1, overflow: 'latest' as const, onDrop, prefetch: UNBOUNDED };
      return new BackpressureBufferSubscriber<T>(downstream, config);
    });
}
