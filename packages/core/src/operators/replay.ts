import { requirePositiveBound } from '../internal/demand';
import { toFlow } from '../internal/lift';
import { ConnectableFlow } from '../internal/MulticastConnection';
import type { Publisher } from '../spec/Publisher';
import { validatePublishOptions, type PublishOptions } from './publish';

/**
 * A connectable multicast that also keeps the last `limit` items, so late subscribers first receive that history
 * (Reactor's `replay(history)`, bounded).
 *
 * ```
 * source:          a b c d |
 * subscriber 1:    ^ a b c d |
 * replay(2), late:         ^ c d |    (joins after d: receives the last 2, then what follows)
 * ```
 *
 * **Demand**: as `publish`: `prefetch` (default 256) items requested ahead of the slowest subscriber, in 75%
 * steps; the buffer holds at most `prefetch + limit` items. A late subscriber starts `limit` items back (or at
 * the oldest item not yet received by anyone, if that is older) and, while it replays, counts as the slowest.
 * **Errors**: an upstream error reaches current subscribers at once; subscribers arriving after the upstream
 * terminated receive the history and then the same terminal signal, and the source is not subscribed again.
 * An invalid `request(n)` fails only that subscriber (§3.9). **Cancellation**: a subscriber cancelling releases
 * its hold and its reference (§3.13); `connection.dispose()` cancels the source and discards the history.
 *
 * Apply it directly (`replay<T>(n)(source)`) to keep the ConnectableFlow type; `pipe` widens results to Flow.
 *
 * @example
 * const latest = replay<Price>(1)(prices);
 * latest.connect();
 * latest.subscribe(s); // receives the last price at once (on demand), then the live ones
 */
export function replay<T>(limit: number, options: PublishOptions = {}): (source: Publisher<T>) => ConnectableFlow<T> {
  const history = requirePositiveBound('replay: limit', limit);
  const { prefetch, name } = validatePublishOptions('replay', options);
  return (source) => new ConnectableFlow<T>(toFlow(source), { stage: name, prefetch, history, errorMode: 'eager' });
}
