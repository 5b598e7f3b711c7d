import { requirePositiveBound } from '../internal/demand';
import { toFlow } from '../internal/lift';
import { ConnectableFlow } from '../internal/MulticastConnection';
import type { Publisher } from '../spec/Publisher';

export interface PublishOptions {
  /** Items requested upstream ahead of the slowest subscriber (the buffer bound). Default 256. */
  prefetch?: number;
  /** The stage name in snapshots and errors. Default 'publish'. */
  name?: string;
}

/**
 * Turns a cold source into a hot, connectable multicast: subscribers attach to one shared bounded buffer, and
 * `connect()` subscribes the source once for all of them (Reactor's `publish()`).
 *
 * ```
 * source:         a b c d e |
 * connect():     ^
 * subscriber 1:   request 3 → a b c   request 2 → d e |
 * subscriber 2:   request 1 → a       request 4 → b c d e |
 * upstream asks: prefetch ahead of the slowest subscriber (here subscriber 2)
 * ```
 *
 * **Demand**: `connect()` requests `prefetch` (default 256) upstream and replenishes in 75% steps, always keeping
 * the buffer at most `prefetch` items ahead of the slowest subscriber. Each subscriber receives buffered items at
 * its own demand; a faster one may run ahead of a slower one by what is buffered, and an item leaves the buffer
 * once every current subscriber received it. A subscriber joining while others are active starts at the oldest
 * item none of them has received yet; with no subscriber attached, items wait (up to `prefetch`) for the next one.
 * **Errors**: an upstream error reaches every current subscriber at once, ahead of items it has not received
 * (Reactor's publish); completion reaches each subscriber after the items buffered for it. An invalid
 * `request(n)` fails only that subscriber (§3.9). **Cancellation**: a subscriber cancelling releases its hold on
 * the buffer and its reference (§3.13); the upstream stays connected until `connection.dispose()`, which cancels it
 * and signals `onError(CancellationError)` to subscribers still attached. After the upstream terminated, new
 * subscribers wait for the next `connect()`, which subscribes the source again. `inspect()` on the returned flow
 * reports the buffer depth, upstream demand and each subscriber's demand and lag.
 *
 * Apply it directly (`publish<T>()(source)`) to keep the ConnectableFlow type; `pipe` widens results to Flow.
 *
 * @example
 * const hot = publish<number>({ prefetch: 64 })(range(0, 1000));
 * hot.subscribe(a);
 * hot.subscribe(b);
 * const connection = hot.connect(); // later: connection.dispose()
 */
export function publish<T>(options: PublishOptions = {}): (source: Publisher<T>) => ConnectableFlow<T> {
  const { prefetch, name } = validatePublishOptions('publish', options);
  return (source) => new ConnectableFlow<T>(toFlow(source), { stage: name, prefetch, errorMode: 'eager' });
}

/** @internal shared by publish, share and replay */
export function validatePublishOptions(operator: string, options: PublishOptions): { prefetch: number; name: string } {
  if (options === null || typeof options !== 'object') throw new TypeError(`${operator}: options must be an object`);
  const name = options.name ?? operator;
  if (typeof name !== 'string') throw new TypeError(`${operator}: name must be a string, got ${typeof name}`);
  return { prefetch: requirePositiveBound(`${operator}: prefetch`, options.prefetch ?? 256), name };
}
