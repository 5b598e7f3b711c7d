import type { Flow, Operator } from '../Flow';
import { BackpressureBufferSubscriber } from '../internal/BackpressureBufferSubscriber';
import { UNBOUNDED } from '../internal/demand';
import { lift } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';

/**
 * Requests unbounded upstream and drops every item that arrives while downstream has no unfilled demand.
 *
 * ```
 * upstream:    1 2 3 4 5 |
 * request:   1.....2.......
 * downstream:  1.....4 5 |     (2 and 3 dropped: no demand when they arrived)
 * ```
 *
 * **Demand**: requests `Infinity` upstream once; an item passes only against outstanding downstream demand (items
 * arriving reentrantly, from inside downstream's onNext, wait in a queue of at most 256 covered by that demand).
 * **Errors**: upstream errors pass through; if `onDrop` throws, upstream is cancelled and the error is signalled.
 * **Cancellation**: cancels upstream. `inspect()` on the subscription reports the `dropped` counter.
 *
 * @example
 * ticks.pipe(onBackpressureDrop((t) => log.debug('skipped', t)));
 */
export function onBackpressureDrop<T>(onDrop?: (item: T) => void): Operator<T, T> {
  if (onDrop !== undefined && typeof onDrop !== 'function') {
    throw new TypeError(`onBackpressureDrop: onDrop must be a function, got ${typeof onDrop}`);
  }
  return (source: Publisher<T>): Flow<T> =>
    lift(source, (downstream) => {
      const config = {
        stage: 'onBackpressureDrop', capacity: 256, overflow: 'drop-newest' as const, onDrop, prefetch: UNBOUNDED,
        admitOnlyAgainstDemand: true,
      };
      return new BackpressureBufferSubscriber<T>(downstream, config);
    });
}
