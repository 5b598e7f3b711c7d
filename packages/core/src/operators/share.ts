import type { SharedFlow } from '../internal/MulticastConnection';
import type { Publisher } from '../spec/Publisher';
import { publish, validatePublishOptions, type PublishOptions } from './publish';

/**
 * Shares one subscription of the source among all current subscribers: `publish(options)` plus `refCount(1)`.
 *
 * ```
 * source:        a b c d |
 * subscriber 1:  ^ a b c d |          (its subscribe connects the source)
 * subscriber 2:      ^ c d |          (joins late: items from where it joined)
 * all cancel:    the source is cancelled; the next subscriber subscribes it again
 * ```
 *
 * Exactly: the first subscriber connects (subscribes the source once); later subscribers attach to that
 * connection; when every subscriber has cancelled, the source is cancelled and the buffer released. A subscriber
 * arriving after that, or after the source terminated, starts a new connection (the source is subscribed again).
 *
 * **Demand**: the slowest subscriber paces the source: `prefetch` (default 256) items requested ahead of it, in 75%
 * steps; each subscriber receives buffered items at its own demand (see `publish`). **Errors**: an upstream error
 * reaches every current subscriber at once; completion after each one's buffered items; an invalid `request(n)`
 * fails only that subscriber (§3.9) and counts as its cancel. **Cancellation**: releases the subscriber's hold on
 * the buffer and its reference (§3.13); the last one out cancels the source. `inspect()` on the returned flow
 * (and on each subscriber's subscription) reports the buffer depth, upstream demand and every subscriber's demand.
 *
 * @example
 * const ticks = interval(1000, { scheduler }).pipe(share());
 * ticks.subscribe(a);
 * ticks.subscribe(b); // one interval timer for both
 */
export function share<T>(options: PublishOptions = {}): (source: Publisher<T>) => SharedFlow<T> {
  const { prefetch, name } = validatePublishOptions('share', options);
  const toConnectable = publish<T>({ prefetch, name });
  return (source) => toConnectable(source).refCount(1);
}
