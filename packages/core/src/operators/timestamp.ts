import { flowOf, type Flow, type Operator } from '../Flow';
import { requireScheduler } from '../sources/interval';
import type { Scheduler } from '../schedulers/Scheduler';
import type { Publisher } from '../spec/Publisher';
import { map } from './map';

/** An item with the time it passed through `timestamp`. */
export interface Timestamped<T> {
  readonly value: T;
  /** `scheduler.now()` when the item arrived (milliseconds; `Date.now()` on the default scheduler). */
  readonly timestamp: number;
}

/** An item with the time since the previous one (or since subscription, for the first). */
export interface TimeInterval<T> {
  readonly value: T;
  /** Milliseconds on the scheduler's clock since the previous item, or since subscription for the first. */
  readonly interval: number;
}

/**
 * Wraps each item with the time it arrived: `{ value, timestamp }`.
 *
 * ```
 * source:     a    b |      (at t=10 and t=15)
 * timestamp:  {a,10} {b,15} |
 * ```
 *
 * **Demand**: pass-through (a `map`). **Errors**, **Cancellation**: pass through. Time is read from
 * `options.scheduler` (default: the timer scheduler, i.e. `Date.now()`), so tests use a `VirtualTimeScheduler`.
 *
 * @example
 * events.pipe(timestamp()); // { value, timestamp: Date.now() at arrival }
 */
export function timestamp<T>(options: { scheduler?: Scheduler } = {}): Operator<T, Timestamped<T>> {
  const scheduler = requireScheduler('timestamp', options.scheduler);
  return map<T, Timestamped<T>>((value) => ({ value, timestamp: scheduler.now() }));
}

/**
 * Wraps each item with the time since the previous one: `{ value, interval }` (the first is measured from
 * subscription).
 *
 * ```
 * source:       a    b |     (subscribed at t=0; items at t=10 and t=15)
 * timeInterval: {a,10} {b,5} |
 * ```
 *
 * **Demand**: pass-through. **Errors**, **Cancellation**: pass through. Each subscription keeps its own clock
 * reading. Time comes from `options.scheduler` (default: the timer scheduler).
 *
 * @example
 * ticks.pipe(timeInterval()); // how far apart the ticks really are
 */
export function timeInterval<T>(options: { scheduler?: Scheduler } = {}): Operator<T, TimeInterval<T>> {
  const scheduler = requireScheduler('timeInterval', options.scheduler);
  return (source: Publisher<T>): Flow<TimeInterval<T>> =>
    flowOf<TimeInterval<T>>((subscriber) => {
      let last = scheduler.now();
      const measured = map<T, TimeInterval<T>>((value) => {
        const now = scheduler.now();
        const interval = now - last;
        last = now;
        return { value, interval };
      })(source);
      measured.subscribe(subscriber);
    });
}
