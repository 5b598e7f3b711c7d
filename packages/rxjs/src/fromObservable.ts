import { Flow } from '@sluice/core';
import { from, type ObservableInput } from 'rxjs';
import { ObservableSubscription } from './internal/ObservableSubscription';
import {
  requireCapacity, requireObservableOverflow, requireOnDrop, requireOptions, type ObservableOverflow,
} from './internal/options';

export interface FromObservableOptions<T> {
  /**
   * The most items held for downstream (default 256; with overflow 'latest', 1, the only capacity it takes: it keeps
   * the newest waiting item, and a larger capacity is a RangeError suggesting 'drop-oldest').
   */
  capacity?: number;
  /** What happens to an item that arrives when `capacity` items are waiting (default 'error'). */
  overflow?: ObservableOverflow;
  /** Called with every dropped item ('drop-newest', 'drop-oldest', 'latest'); a throw fails the stream. */
  onDrop?: (item: T) => void;
}

/**
 * Turns an RxJS Observable (or anything RxJS `from()` accepts) into a demand-driven Flow with a bounded buffer.
 * An Observable cannot be slowed down, so you choose what happens past `capacity`.
 *
 * ```
 * obs$:                     a b c d e |
 * request:             1 ─────────── 3
 * capacity 2, error:     a ────────── b c X   (X = OverflowError: capacity 2 full, 3 pending; obs$ unsubscribed)
 * capacity 2, drop-newest: a ──────── b c |   (d, e dropped)
 * capacity 2, drop-oldest: a ──────── d e |   (b, c dropped)
 * capacity 1, latest:    a ────────── e |     (b, c, d replaced in the one slot)
 * ```
 *
 * **Demand**: items leave the buffer only against `request(n)`; the Observable is subscribed right after
 * `onSubscribe` returns and pushes at its own pace into the buffer, never beyond `capacity` (inspect
 * `subscription.inspect().buffered` and `.dropped`). **Errors**: the Observable's error and completion are
 * delivered after the buffered items, without needing demand; with overflow 'error' the Observable is unsubscribed
 * and an `OverflowError` naming the capacity and the number pending follows the buffered items; `null`/`undefined`
 * items fail with a §2.13 `TypeError`; a throwing `onDrop` fails at once. **Cancellation**: unsubscribes from the
 * Observable (even in the middle of a synchronous burst) and drops the buffer.
 *
 * @example
 * const flow = fromObservable(interval(1), { capacity: 100, overflow: 'drop-oldest' });
 */
export function fromObservable<T>(source: ObservableInput<T>, options: FromObservableOptions<T> = {}): Flow<T> {
  return observableFlow('fromObservable', source, options, 'error');
}

/** @internal shared by fromObservable and controlled */
export function observableFlow<T>(
  stage: string,
  input: ObservableInput<T>,
  options: FromObservableOptions<T>,
  defaultOverflow: ObservableOverflow,
): Flow<T> {
  if (input == null) throw new TypeError(`${stage}: expected an Observable, got ${String(input)}`);
  requireOptions(stage, options);
  const overflow = requireObservableOverflow(stage, options.overflow ?? defaultOverflow);
  const capacity = requireCapacity(stage, options.capacity, overflow); // 'latest': capacity 1, as in core
  const onDrop = requireOnDrop<T>(stage, options.onDrop);
  const source = from(input); // throws a TypeError at assembly time for inputs RxJS cannot observe
  return new Flow<T>((subscriber) => {
    const subscription = new ObservableSubscription<T>(subscriber, stage, source, capacity, overflow, onDrop);
    subscriber.onSubscribe(subscription); // §1.9 before anything else
    subscription.start();
  });
}
