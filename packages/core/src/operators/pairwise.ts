import type { Flow, Operator } from '../Flow';
import { addDemand, isValidRequest } from '../internal/demand';
import { nullArgumentError } from '../internal/errors';
import { ForwardingSubscriber } from '../internal/ForwardingSubscriber';
import { lift } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

/**
 * Emits each item together with the one before it, as `[previous, current]`, from the second item on.
 *
 * ```
 * source:    1   2     3     4 |
 * pairwise:    [1,2] [2,3] [3,4] |
 * upstream:  request(n + 1) once, then each request(n) unchanged
 * ```
 *
 * **Demand**: the first downstream request is forwarded with one added (the first item makes no pair), once;
 * later requests pass through. An invalid first request is forwarded unchanged, so the source signals the §3.9
 * error. Holds one item. **Errors**: pass through. **Cancellation**: cancels upstream and drops the held item.
 *
 * @example
 * range(1, 4).pipe(pairwise()); // [1, 2], [2, 3], [3, 4]
 */
export function pairwise<T>(): Operator<T, [T, T]> {
  return (source: Publisher<T>): Flow<[T, T]> => lift(source, (downstream: Subscriber<[T, T]>) => new PairwiseSubscriber<T>(downstream));
}

class PairwiseSubscriber<T> extends ForwardingSubscriber<T, [T, T]> {
  private previous: T | undefined = undefined;
  private hasPrevious = false;
  private requestedOnce = false;

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return;
    if (!this.hasPrevious) {
      this.hasPrevious = true;
      this.previous = value;
      return;
    }
    const pair: [T, T] = [this.previous as T, value];
    this.previous = value;
    this.downstream.onNext(pair);
  }

  override request(n: number): void {
    if (!this.requestedOnce && isValidRequest(n)) {
      this.requestedOnce = true;
      this.upstream!.request(addDemand(n, 1)); // §3.17 saturates at unbounded
      return;
    }
    this.upstream!.request(n);
  }

  override cancel(): void {
    this.previous = undefined; // §3.13
    super.cancel();
  }
}
