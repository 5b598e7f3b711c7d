import type { Flow, Operator } from '../Flow';
import { BackpressureBufferSubscriber } from '../internal/BackpressureBufferSubscriber';
import { replenishAt, requirePositiveBound } from '../internal/demand';
import { lift } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';

/**
 * Reshapes demand into batches: requests `high` upstream first, then `low` more each time `low` items were
 * delivered downstream, whatever downstream asks for (Reactor's `limitRate(highTide, lowTide)`).
 *
 * ```
 * limitRate(4, 2), downstream request(Infinity):
 * upstream requests:  4 .... 2 .... 2 .... 2
 * upstream items:      a b c d e f g h …
 * ```
 *
 * **Demand**: at most `high` items are ever outstanding upstream or buffered; `low` defaults to 75% of `high`
 * (`high - floor(high / 4)`); `low === high` also means 75%, `low === 0` means "replenish `high` only once all
 * of the batch was delivered". Items wait in a buffer of `high` for downstream demand. **Errors**: upstream errors
 * are signalled after the buffered items. **Cancellation**: cancels upstream and discards the buffer.
 *
 * @example
 * hugeQuery.pipe(limitRate(100)); // the database sees requests of 100, then 75, 75, …
 */
export function limitRate<T>(high: number, low?: number): Operator<T, T> {
  const prefetch = requirePositiveBound('limitRate: high', high);
  if (low !== undefined && !(Number.isInteger(low) && low >= 0 && low <= prefetch)) {
    throw new RangeError(`limitRate: low must be an integer from 0 to high (${prefetch}), got ${String(low)}`);
  }
  const replenish = low === undefined || low === prefetch ? replenishAt(prefetch) : low === 0 ? prefetch : low;
  return (source: Publisher<T>): Flow<T> =>
    lift(source, (downstream) => {
      // limitRate has no overflow option: its buffer overflows only for an upstream that ignores §1.1.
      const config = { stage: 'limitRate', capacity: prefetch, overflow: 'error' as const, accepted: [], prefetch, replenish };
      return new BackpressureBufferSubscriber<T>(downstream, config);
    });
}
