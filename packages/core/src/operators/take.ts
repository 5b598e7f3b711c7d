import type { Flow, Operator } from '../Flow';
import { isValidRequest, produced } from '../internal/demand';
import { invalidRequestError, nullArgumentError } from '../internal/errors';
import { ForwardingSubscriber } from '../internal/ForwardingSubscriber';
import { lift } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

/**
 * Emits the first `count` items, then cancels upstream and completes.
 *
 * ```
 * source:   1 2 3 4 5 |
 * take(3):  1 2 3|         (upstream cancelled after 3)
 * ```
 *
 * **Demand**: never requests more than `count` items upstream in total: each downstream request is capped at what
 * is still unrequested, so `request(Infinity)` becomes `request(remaining)` and requests beyond the cap are not
 * forwarded at all. **Errors**: validates each downstream `request(n)` itself (capping could otherwise turn an
 * invalid value into a valid one): an invalid value cancels upstream and signals `onError(RangeError)` (§3.9).
 * Upstream errors pass through. **Cancellation**: cancels upstream; after `count` items the upstream is cancelled
 * before `onComplete`. `take(0)` cancels upstream and completes right after `onSubscribe`, without any request.
 *
 * @example
 * range(0, Infinity).pipe(take(3)); // 0, 1, 2
 */
export function take<T>(count: number): Operator<T, T> {
  if (!(count >= 0) || !(Number.isSafeInteger(count) || count === Infinity)) {
    throw new RangeError(`take: count must be a non-negative integer or Infinity, got ${String(count)}`);
  }
  return (source: Publisher<T>): Flow<T> => lift(source, (downstream: Subscriber<T>) => new TakeSubscriber(downstream, count));
}

class TakeSubscriber<T> extends ForwardingSubscriber<T> {
  /** Items still to emit before completing. */
  private remaining: number;
  /** Items not yet requested upstream: the cap on every forwarded request. */
  private unrequested: number;

  constructor(downstream: Subscriber<T>, count: number) {
    super(downstream);
    this.remaining = count;
    this.unrequested = count;
  }

  protected override onUpstream(): void {
    if (this.remaining === 0) this.finish(); // take(0)
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return;
    this.remaining = produced(this.remaining, 1);
    this.downstream.onNext(value);
    if (this.remaining === 0 && !this.done) this.finish();
  }

  override request(n: number): void {
    if (this.done) return; // §3.6
    if (!isValidRequest(n)) {
      // §3.9 validated here: capping would turn request(-1) into a valid number for the upstream.
      this.done = true;
      this.cancelUpstream();
      this.downstream.onError(invalidRequestError(n));
      return;
    }
    const capped = Math.min(n, this.unrequested);
    if (capped === 0) return;
    this.unrequested = produced(this.unrequested, capped);
    this.upstream!.request(capped);
  }

  override cancel(): void {
    this.done = true;
    super.cancel();
  }

  private finish(): void {
    this.done = true;
    this.cancelUpstream();
    this.downstream.onComplete();
  }
}
