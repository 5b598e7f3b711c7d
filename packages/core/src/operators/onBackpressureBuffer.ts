import type { Flow, Operator } from '../Flow';
import { BackpressureBufferSubscriber } from '../internal/BackpressureBufferSubscriber';
import { requirePositiveBound, UNBOUNDED } from '../internal/demand';
import { capacityFor, requireMaxAge, type DropListener } from '../internal/ExpiringBuffer';
import { lift } from '../internal/lift';
import { requireOverflowStrategy, type OverflowStrategy } from '../internal/overflow';
import type { Scheduler } from '../schedulers/Scheduler';
import { requireScheduler } from '../sources/interval';
import type { Publisher } from '../spec/Publisher';

/** The strategies that make sense after an upstream that ignores demand ('block' cannot slow it down). */
export type BufferOverflowStrategy = Exclude<OverflowStrategy, 'block'>;

export interface OnBackpressureBufferOptions<T> {
  /** The most items kept for a slow downstream. Default 256 (1 under 'latest', which allows only 1). */
  capacity?: number;
  /** What happens to an item that arrives when the buffer is full. Default 'error'. */
  overflow?: BufferOverflowStrategy;
  /**
   * Called with every item the stage discards and why: 'overflow' (the strategy) or 'expired' (older than
   * `maxAge`). The stage's `dropped` counter counts both; `expired` counts the second.
   */
  onDrop?: DropListener<T>;
  /** Age budget in ms, measured from the moment an item entered the buffer: older items are dropped, never delivered. */
  maxAge?: number;
  /** The clock of `maxAge`. Default `timerScheduler`; tests pass a `VirtualTimeScheduler`. */
  scheduler?: Scheduler;
}

const BUFFER_STRATEGIES: readonly OverflowStrategy[] = ['error', 'drop-newest', 'drop-oldest', 'latest'];

/**
 * Requests unbounded upstream and keeps up to `capacity` items that downstream has not asked for yet, applying
 * `overflow` to any item that arrives when the buffer is full.
 *
 * ```
 * onBackpressureBuffer({ capacity: 2, overflow: 'drop-newest' })
 * upstream:    1 2 3 ....... 4 |
 * request:     ...... 2 ........ 2
 * downstream:  ...... 1 2 ...... 4 |
 * ```
 * (3 arrives at a full buffer: dropped, counted in the snapshot's `dropped`, passed to `onDrop(3, 'overflow')`.)
 *
 * 'latest' keeps only the newest waiting item, so it takes capacity 1 (a larger one is refused: use 'drop-oldest'
 * to keep the newest N). With `maxAge`, an item that waited that long is dropped with `onDrop(item, 'expired')`,
 * on a timer, even while downstream requests nothing: a queue with an age budget never serves stale work.
 *
 * **Demand**: requests `Infinity` upstream once (the point of the operator: an upstream that ignores demand) and
 * emits only what downstream requested. **Errors**: 'error' (the default) cancels upstream on overflow and
 * signals `OverflowError` naming the capacity after the buffered items; an upstream error also waits behind the
 * buffered items; if `onDrop` throws, upstream is cancelled and the error follows the buffered items.
 * **Cancellation**: cancels upstream and discards the buffer. `inspect()` on the subscription reports depth,
 * capacity, demand and drops.
 *
 * @example
 * mouseMoves.pipe(onBackpressureBuffer({ capacity: 1000, overflow: 'drop-oldest', onDrop: (e) => stats.lost++ }));
 * jobs.pipe(onBackpressureBuffer({ capacity: 100, overflow: 'drop-newest', maxAge: 2_000, onDrop: (job, why) => job.reject(why) }));
 */
export function onBackpressureBuffer<T>(options: OnBackpressureBufferOptions<T> = {}): Operator<T, T> {
  const overflow = requireOverflowStrategy('onBackpressureBuffer', options.overflow ?? 'error', BUFFER_STRATEGIES);
  const capacity = requirePositiveBound(
    'onBackpressureBuffer: capacity', capacityFor('onBackpressureBuffer', overflow, options.capacity, 256),
  );
  const maxAge = requireMaxAge('onBackpressureBuffer', options.maxAge);
  const scheduler = requireScheduler('onBackpressureBuffer', options.scheduler);
  const onDrop = options.onDrop;
  if (onDrop !== undefined && typeof onDrop !== 'function') {
    throw new TypeError(`onBackpressureBuffer: onDrop must be a function, got ${typeof onDrop}`);
  }
  return (source: Publisher<T>): Flow<T> =>
    lift(source, (downstream) => {
      const config = {
        stage: 'onBackpressureBuffer', capacity, overflow, onDrop, accepted: BUFFER_STRATEGIES, prefetch: UNBOUNDED, maxAge, scheduler,
      };
      return new BackpressureBufferSubscriber<T>(downstream, config);
    });
}
