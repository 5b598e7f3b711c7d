import type { Flow, Operator } from '../Flow';
import { DroppingSubscriber } from '../internal/DroppingSubscriber';
import { nullArgumentError } from '../internal/errors';
import { lift } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

/**
 * Suppresses each item that equals the item before it (by `compare`, default `Object.is`).
 *
 * ```
 * source:                 1 1 2 2 2 1 |
 * distinctUntilChanged(): 1   2     1 |
 * ```
 *
 * **Demand**: passes downstream requests upstream unchanged; each suppressed item is replaced by one `request(1)`
 * upstream unless downstream has requested unbounded demand. **Errors**: if `compare` throws, upstream is cancelled
 * and the error is signalled downstream. **Cancellation**: cancels upstream and drops the remembered item.
 *
 * @example
 * range(0, 6).pipe(map((x) => Math.floor(x / 2)), distinctUntilChanged()); // 0, 1, 2
 */
export function distinctUntilChanged<T>(compare: (previous: T, current: T) => boolean = Object.is): Operator<T, T> {
  if (typeof compare !== 'function') {
    throw new TypeError(`distinctUntilChanged: compare must be a function, got ${typeof compare}`);
  }
  return (source: Publisher<T>): Flow<T> =>
    lift(source, (downstream: Subscriber<T>) => new DistinctUntilChangedSubscriber(downstream, compare));
}

class DistinctUntilChangedSubscriber<T> extends DroppingSubscriber<T> {
  private readonly compare: (previous: T, current: T) => boolean;
  private hasPrevious = false;
  private previous: T | undefined = undefined;

  constructor(downstream: Subscriber<T>, compare: (previous: T, current: T) => boolean) {
    super(downstream);
    this.compare = compare;
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return;
    if (this.hasPrevious) {
      let same: boolean;
      try {
        same = this.compare(this.previous as T, value);
      } catch (error) {
        this.previous = undefined;
        return this.failWith(error);
      }
      if (same) return this.dropped();
    }
    this.hasPrevious = true;
    this.previous = value;
    this.downstream.onNext(value);
  }

  override onError(error: Error): void {
    this.previous = undefined;
    super.onError(error);
  }

  override onComplete(): void {
    this.previous = undefined;
    super.onComplete();
  }

  override cancel(): void {
    this.previous = undefined; // §3.13
    super.cancel();
  }
}
