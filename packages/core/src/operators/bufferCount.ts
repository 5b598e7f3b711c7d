import type { Flow, Operator } from '../Flow';
import { addDemand, isValidRequest, produced, requirePositiveBound, UNBOUNDED } from '../internal/demand';
import { invalidRequestError, nullArgumentError } from '../internal/errors';
import { ForwardingSubscriber } from '../internal/ForwardingSubscriber';
import { lift } from '../internal/lift';
import { RingBuffer } from '../internal/RingBuffer';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import { buffer } from './buffer';

/**
 * Collects items into arrays of `size`, starting a new array every `every` items: `every < size` gives
 * overlapping (sliding) arrays, `every > size` skips items between arrays, `every === size` (the default) is
 * `buffer(size)`.
 *
 * ```
 * source:            1 2 3 4 5 |
 * bufferCount(3, 1): [1,2,3] [2,3,4] [3,4,5] [4,5] [5] |
 * bufferCount(2, 3): [1,2]     [4,5] |
 * ```
 *
 * **Demand**: the first `request(n)` asks upstream for `size + (n - 1) × every` items, the exact number that fills
 * `n` arrays; later requests ask for `n × every` (saturating at unbounded). **Memory**: at most `ceil(size / every)`
 * open arrays of at most `size` items. **Completion**: the open, partial arrays are emitted (oldest first) against
 * demand, then `onComplete`. **Errors**: an upstream error is passed on and the open arrays are dropped; an invalid
 * `request(n)` signals `onError(RangeError)` (§3.9). **Cancellation**: cancels upstream and drops the open arrays.
 *
 * @example
 * range(1, 5).pipe(bufferCount(2, 1)); // [1, 2], [2, 3], [3, 4], [4, 5], [5]
 */
export function bufferCount<T>(size: number, every: number = size): Operator<T, T[]> {
  const length = requirePositiveBound('bufferCount: size', size);
  const step = requirePositiveBound('bufferCount: every', every);
  if (step === length) return buffer<T>(length);
  return (source: Publisher<T>): Flow<T[]> => lift(source, (downstream: Subscriber<T[]>) => new BufferCountSubscriber<T>(downstream, length, step));
}

class BufferCountSubscriber<T> extends ForwardingSubscriber<T, T[]> {
  /** Open arrays, oldest first; never more than ceil(size / every). */
  private open: RingBuffer<T[]>;
  private index = 0;
  private requested = 0;
  private requestedOnce = false;
  /** Upstream completed: the open arrays drain against demand, then onComplete. */
  private upstreamDone = false;
  private emitting = false;

  constructor(downstream: Subscriber<T[]>, private readonly size: number, private readonly every: number) {
    super(downstream);
    this.open = new RingBuffer<T[]>(Math.ceil(size / every));
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done || this.upstreamDone) return;
    if (this.index++ % this.every === 0) this.open.offer([]);
    const n = this.open.size;
    for (let i = 0; i < n; i++) this.open.get(i)!.push(value);
    const oldest = this.open.peek();
    if (oldest !== undefined && oldest.length === this.size) {
      this.open.poll();
      this.requested = produced(this.requested, 1);
      this.downstream.onNext(oldest);
    }
  }

  override onComplete(): void {
    if (this.done || this.upstreamDone) return; // §1.7
    this.upstreamDone = true;
    this.drainTail();
  }

  override onError(error: Error): void {
    if (!this.done) this.open.clear();
    super.onError(error);
  }

  override request(n: number): void {
    if (this.done) return; // §3.6
    if (!isValidRequest(n)) {
      if (this.upstreamDone) {
        this.done = true;
        this.open.clear();
        this.downstream.onError(invalidRequestError(n)); // §3.9
        return;
      }
      return this.upstream!.request(n); // §3.9 the source signals the RangeError
    }
    this.requested = addDemand(this.requested, n);
    if (this.upstreamDone) return this.drainTail();
    let items: number;
    if (!this.requestedOnce) {
      this.requestedOnce = true;
      items = this.size + (n - 1) * this.every; // fills exactly n arrays
    } else {
      items = n * this.every;
    }
    this.upstream!.request(n === UNBOUNDED || items >= Number.MAX_SAFE_INTEGER ? UNBOUNDED : items);
  }

  override cancel(): void {
    if (this.done) return;
    this.done = true;
    this.open.clear(); // §3.13
    if (!this.upstreamDone) this.cancelUpstream();
  }

  /** After completion: emits the open arrays as demand allows, then completes. Reentrant requests only add demand. */
  private drainTail(): void {
    if (this.emitting) return;
    this.emitting = true;
    while (!this.done && this.requested > 0 && !this.open.isEmpty) {
      const next = this.open.poll()!; // never empty: an array gets its first item as it opens
      this.requested = produced(this.requested, 1);
      this.downstream.onNext(next);
    }
    this.emitting = false;
    if (!this.done && this.open.isEmpty) {
      this.done = true;
      this.downstream.onComplete();
    }
  }
}
