import type { Flow, Operator } from '../Flow';
import { BackpressureBufferSubscriber } from '../internal/BackpressureBufferSubscriber';
import { requirePositiveBound, UNBOUNDED } from '../internal/demand';
import { lift } from '../internal/lift';
import { requireOverflowStrategy, type OverflowStrategy } from '../internal/overflow';
import type { Publisher } from '../spec/Publisher';

/** The strategies that make sense after an upstream that ignores demand ('block' cannot slow it down). */
export type BufferOverflowStrategy = Exclude<OverflowStrategy, 'block'>;

export interface OnBackpressureBufferOptions<T> {
  /** The most items kept for a slow downstream. Default 256. */
  capacity?: number;
  /** What happens to an item that arrives when the buffer is full. Default 'error'. */
  overflow?: BufferOverflowStrategy;
  /** Called with every item the strategy discards (the stage's `dropped` counter counts them too). */
  onDrop?: (item: T) => void;
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
 * (3 arrives at a full buffer: dropped, counted in the snapshot's `dropped`, passed to `onDrop`.)
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
 */
export function onBackpressureBuffer<T>(options: OnBackpressureBufferOptions<T> = {}): Operator<T, T> {
  const capacity = requirePositiveBound('onBackpressureBuffer: capacity', options.capacity ?? 256);
  const overflow = requireOverflowStrategy('onBackpressureBuffer', options.overflow ?? 'error', BUFFER_STRATEGIES);
  const onDrop = options.onDrop;
  if (onDrop !== undefined && typeof onDrop !== 'function') {
    throw new TypeError(`onBackpressureBuffer: onDrop must be a function, got ${typeof onDrop}`);
  }
  return (source: Publisher<T>): Flow<T> =>
    lift(source, (downstream) => {
      const config = { stage: 'onBackpressureBuffer', capacity, overflow, onDrop, accepted: BUFFER_STRATEGIES, prefetch: UNBOUNDED };
      return new BackpressureBufferSubscriber<T>(downstream, config);
    });
}
