import type { Flow, Operator } from '../Flow';
import { addDemand, isValidRequest } from '../internal/demand';
import { nullArgumentError } from '../internal/errors';
import { ForwardingSubscriber } from '../internal/ForwardingSubscriber';
import { lift, toFlow } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

/**
 * Drops the first `count` items and emits the rest.
 *
 * ```
 * source:   1 2 3 4 5 |
 * skip(2):      3 4 5 |
 * upstream: request(n + 2) once, then each request(n) unchanged
 * ```
 *
 * **Demand**: the first downstream request is forwarded with `count` added to it, once (saturating at unbounded),
 * so the skipped items cost one upstream request instead of `count` replacement requests; later requests pass
 * through unchanged. An invalid first request is forwarded unchanged (never made valid by the addition), so the
 * source signals `onError(RangeError)` (§3.9). **Errors**: upstream errors pass through. **Cancellation**: cancels
 * upstream. `skip(0)` returns the source unchanged (as a Flow).
 *
 * @example
 * range(1, 5).pipe(skip(2)); // 3, 4, 5
 */
export function skip<T>(count: number): Operator<T, T> {
  if (!(count >= 0) || !Number.isSafeInteger(count)) {
    throw new RangeError(`skip: count must be a non-negative safe integer, got ${String(count)}`);
  }
  if (count === 0) return (source: Publisher<T>): Flow<T> => toFlow(source);
  return (source: Publisher<T>): Flow<T> => lift(source, (downstream: Subscriber<T>) => new SkipSubscriber(downstream, count));
}

class SkipSubscriber<T> extends ForwardingSubscriber<T> {
  /** Items still to drop. */
  private remaining: number;
  private requestedOnce = false;

  constructor(downstream: Subscriber<T>, count: number) {
    super(downstream);
    this.remaining = count;
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return;
    if (this.remaining > 0) {
      this.remaining--;
      return;
    }
    this.downstream.onNext(value);
  }

  override request(n: number): void {
    if (!this.requestedOnce && isValidRequest(n)) {
      this.requestedOnce = true;
      this.upstream!.request(addDemand(n, this.remaining)); // §3.17 saturates at unbounded
      return;
    }
    this.upstream!.request(n);
  }
}
