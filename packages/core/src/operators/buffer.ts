import type { Flow, Operator } from '../Flow';
import { addDemand, isValidRequest, produced, requirePositiveBound, UNBOUNDED } from '../internal/demand';
import { nullArgumentError } from '../internal/errors';
import { ForwardingSubscriber } from '../internal/ForwardingSubscriber';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import { lift } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

/**
 * Collects items into arrays of `count`; the last array may be shorter.
 *
 * ```
 * source:     1 2 3 4 5 |
 * buffer(2):  [1,2] [3,4] [5] |
 * ```
 *
 * **Demand**: `request(n)` downstream becomes `request(n * count)` upstream (saturating at unbounded), so every
 * requested array can be filled and no item waits without demand. An invalid `request(n)` is passed on unchanged so
 * the source signals `onError(RangeError)` (§3.9). **Errors**: an upstream error is passed on and the partial array
 * is dropped. **Completion**: a non-empty partial array is emitted before `onComplete`. **Cancellation**: cancels
 * upstream and drops the partial array.
 *
 * @example
 * range(1, 5).pipe(buffer(2)); // [1, 2], [3, 4], [5]
 */
export function buffer<T>(count: number): Operator<T, T[]> {
  const size = requirePositiveBound('buffer: count', count);
  return (source: Publisher<T>): Flow<T[]> => lift(source, (downstream: Subscriber<T[]>) => new BufferSubscriber<T>(downstream, size));
}

class BufferSubscriber<T> extends ForwardingSubscriber<T, T[]> implements Inspectable {
  private readonly count: number;
  /** The array being filled; never longer than `count`, so it is its own bound. */
  private current: T[] | null = null;
  private requested = 0;
  private upstreamRequested = 0;
  private received = 0;
  private emitted = 0;
  private cancelled = false;

  constructor(downstream: Subscriber<T[]>, count: number) {
    super(downstream);
    this.count = count;
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return;
    this.received++;
    this.upstreamRequested = produced(this.upstreamRequested, 1);
    const current = this.current ?? (this.current = []);
    current.push(value);
    if (current.length === this.count) {
      this.current = null;
      this.requested = produced(this.requested, 1);
      this.emitted++;
      this.downstream.onNext(current);
    }
  }

  override onComplete(): void {
    if (this.done) return; // §1.7
    const current = this.current;
    this.current = null;
    // A compliant upstream delivered at most count × requested items, so a partial array always has demand.
    if (current !== null) {
      this.emitted++;
      this.requested = produced(this.requested, 1);
      this.downstream.onNext(current);
      if (this.cancelled) {
        this.done = true; // §1.8 cancelled from inside that last onNext: nothing more, not even onComplete
        return;
      }
    }
    super.onComplete();
  }

  override onError(error: Error): void {
    this.current = null;
    super.onError(error);
  }

  override request(n: number): void {
    if (!isValidRequest(n)) return this.upstream!.request(n); // §3.9 the source signals the RangeError
    this.requested = addDemand(this.requested, n);
    const items = n === UNBOUNDED || n * this.count >= Number.MAX_SAFE_INTEGER ? UNBOUNDED : n * this.count;
    this.upstreamRequested = addDemand(this.upstreamRequested, items);
    this.upstream!.request(items);
  }

  override cancel(): void {
    this.cancelled = true;
    this.current = null;
    super.cancel();
  }

  inspect(): StageSnapshot {
    return {
      stage: 'buffer',
      capacity: this.count,
      buffered: this.current?.length ?? 0,
      requested: this.requested,
      upstreamRequested: this.upstreamRequested,
      received: this.received,
      emitted: this.emitted,
      dropped: 0,
      terminated: this.done,
      cancelled: this.cancelled,
    };
  }
}
