import type { Flow, Operator } from '../Flow';
import { addDemand, isValidRequest, produced, requirePositiveBound, UNBOUNDED } from '../internal/demand';
import { overDeliveryError } from '../internal/errors';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import { lift } from '../internal/lift';
import { QueueStage } from '../internal/QueueStage';
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
 * requested array can be filled and no item waits without demand. An invalid `request(n)` cancels upstream and signals
 * `onError(RangeError)` (§3.9). **Errors**: an upstream error is passed on and the partial array
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

/**
 * buffer on the engine's QueueStage: the Subscriber rules, the lifecycle, the received/emitted counters and the
 * snapshot are the engine's; this stage writes how an item fills the array, how a full one drains, and how a
 * downstream request becomes `count` times as much upstream.
 */
class BufferSubscriber<T> extends QueueStage<T, T[]> implements Inspectable {
  private readonly count: number;
  /** The array being filled; never longer than `count`, so it is its own bound. */
  private current: T[] | null = null;
  /**
   * A full (or, at completion, the partial) array waiting for the drain. At most one: a compliant upstream sends at
   * most `count × requested` items, so a full array always has demand and is emitted by the same `wake()`.
   */
  private ready: T[] | null = null;
  /** Items requested upstream and not yet received (saturating at unbounded). */
  private outstanding = 0;

  constructor(downstream: Subscriber<T[]>, count: number) {
    super(downstream);
    this.count = count;
  }

  protected accept(value: T): void {
    this.outstanding = produced(this.outstanding, 1);
    const current = this.current ?? (this.current = []);
    current.push(value);
    if (current.length !== this.count) return;
    this.current = null;
    if (this.ready !== null) {
      this.stopIntake(overDeliveryError('buffer', this.outstanding)); // §1.1 the waiting array is delivered, then this
      return this.wake();
    }
    this.ready = current;
    this.wake();
  }

  protected override onUpstreamComplete(): void {
    // A non-empty partial array is emitted before onComplete (it has demand, by the same bound as a full one).
    if (this.current !== null && this.ready === null) this.ready = this.current;
    this.current = null;
  }

  protected override onUpstreamError(): void {
    this.current = null; // the partial array is dropped
    this.ready = null;
  }

  protected emitSome(downstream: Subscriber<T[]>): void {
    const ready = this.ready;
    if (ready !== null && this.requested > 0) {
      this.ready = null;
      this.requested = produced(this.requested, 1);
      this.emittedItems++;
      downstream.onNext(ready);
      if (this.cancelled) return; // §1.8 cancelled from inside onNext: nothing more, not even onComplete
    }
    this.terminateWhenDone(this.ready === null);
  }

  override request(n: number): void {
    if (!isValidRequest(n) || this.cancelled) return super.request(n); // §3.9 the engine signals the RangeError
    const items = n === UNBOUNDED || n * this.count >= Number.MAX_SAFE_INTEGER ? UNBOUNDED : n * this.count;
    this.outstanding = addDemand(this.outstanding, items);
    super.request(n);
    this.upstream?.request(items);
  }

  protected override get capacity(): number {
    return this.count;
  }

  protected override get buffered(): number {
    return (this.current?.length ?? 0) + (this.ready?.length ?? 0);
  }

  protected override get upstreamRequested(): number {
    return this.done ? 0 : this.outstanding;
  }

  protected override dispose(): void {
    this.current = null; // §3.13
    this.ready = null;
    super.dispose();
  }

  inspect(): StageSnapshot {
    return this.snapshot('buffer');
  }
}
