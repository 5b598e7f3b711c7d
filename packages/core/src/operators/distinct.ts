import type { Flow, Operator } from '../Flow';
import { requirePositiveBound } from '../internal/demand';
import { nullArgumentError } from '../internal/errors';
import { ForwardingSubscriber } from '../internal/ForwardingSubscriber';
import { lift } from '../internal/lift';
import { RingBuffer } from '../internal/RingBuffer';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

export interface DistinctOptions<T, K> {
  /**
   * Required: how many distinct keys are remembered. When a new key arrives with the window full, the oldest key
   * is forgotten (first in, first out), so an item whose key was forgotten passes again. Memory is bounded by this
   * number of keys, whatever the source's size; there is no unbounded default.
   */
  capacity: number;
  /** The key an item is compared by (`===` on keys, as in a `Set`). Default: the item itself. */
  key?: (value: T) => K;
}

/**
 * Emits only the items whose key was not seen among the last `capacity` distinct keys.
 *
 * ```
 * source:                     1 2 1 3 2 4 1 |
 * distinct({ capacity: 2 }):  1 2   3   4 1 |   (1 was forgotten when 3 arrived)
 * ```
 *
 * **Demand**: pass-through, plus one replacement `request(1)` upstream per dropped duplicate. **Memory**: at most
 * `capacity` keys (a Set plus a ring buffer for the eviction order). **Errors**: a throwing `key` cancels upstream
 * and signals what it threw; upstream errors pass through. **Cancellation**: cancels upstream and releases the keys.
 *
 * @example
 * events.pipe(distinct({ capacity: 10_000, key: (e) => e.id })); // de-duplicates redeliveries within a window
 */
export function distinct<T, K = T>(options: DistinctOptions<T, K>): Operator<T, T> {
  if (options == null || typeof options !== 'object') {
    throw new TypeError('distinct: options with a capacity are required (distinct({ capacity: n })): an unbounded set of keys is never the default');
  }
  const capacity = requirePositiveBound('distinct: capacity', options.capacity);
  const key = options.key;
  if (key !== undefined && typeof key !== 'function') throw new TypeError(`distinct: key must be a function, got ${typeof key}`);
  return (source: Publisher<T>): Flow<T> => lift(source, (downstream: Subscriber<T>) => new DistinctSubscriber<T, K>(downstream, capacity, key));
}

class DistinctSubscriber<T, K> extends ForwardingSubscriber<T> {
  private seen = new Set<unknown>();
  private order: RingBuffer<unknown>;

  constructor(downstream: Subscriber<T>, capacity: number, private key: ((value: T) => K) | undefined) {
    super(downstream);
    this.order = new RingBuffer<unknown>(capacity);
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return;
    let k: unknown = value;
    if (this.key !== undefined) {
      try {
        k = this.key(value);
      } catch (error) {
        return this.failWith(error);
      }
    }
    if (this.seen.has(k)) {
      this.upstream!.request(1); // replaces the dropped duplicate
      return;
    }
    if (this.order.isFull) this.seen.delete(this.order.poll());
    this.order.offer(k);
    this.seen.add(k);
    this.downstream.onNext(value);
  }

  override onError(error: Error): void {
    if (!this.done) this.forget();
    super.onError(error);
  }

  override onComplete(): void {
    if (!this.done) this.forget();
    super.onComplete();
  }

  override cancel(): void {
    this.forget();
    super.cancel();
  }

  private forget(): void {
    this.seen.clear(); // §3.13
    this.order.clear();
    this.key = undefined;
  }
}
