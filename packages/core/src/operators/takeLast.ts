import type { Flow, Operator } from '../Flow';
import { UNBOUNDED } from '../internal/demand';
import { lift } from '../internal/lift';
import { RingBuffer } from '../internal/RingBuffer';
import { QueueStage } from '../internal/QueueStage';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import { ignoreElements } from './ignoreElements';

/**
 * Emits the last `count` items once the source completes.
 *
 * ```
 * source:      1 2 3 4 5 |
 * takeLast(2):           (4 5|)
 * ```
 *
 * **Demand**: the source must be read to its end, so once the downstream first requests, the source is asked
 * for everything (one unbounded request); only the last `count` items are kept, in a ring buffer of that size
 * (older ones are overwritten, never queued). After completion they are emitted against downstream demand.
 * `takeLast(0)` emits nothing and completes with the source. **Errors**: an upstream error is signalled at once
 * and the kept items are dropped. **Cancellation**: cancels upstream and releases the kept items (§3.13).
 *
 * @example
 * range(0, 1_000_000).pipe(takeLast(3)); // 999997, 999998, 999999
 */
export function takeLast<T>(count: number): Operator<T, T> {
  if (!(count >= 0) || !Number.isSafeInteger(count)) {
    throw new RangeError(`takeLast: count must be a non-negative safe integer, got ${String(count)}`);
  }
  if (count === 0) return ignoreElements<T>() as Operator<T, never>;
  return (source: Publisher<T>): Flow<T> => lift(source, (downstream: Subscriber<T>) => new TakeLastSubscriber<T>(downstream, count));
}

class TakeLastSubscriber<T> extends QueueStage<T, T> {
  private kept: RingBuffer<T>;
  private upstreamStarted = false;

  constructor(downstream: Subscriber<T>, count: number) {
    super(downstream);
    this.kept = new RingBuffer<T>(count);
  }

  protected accept(value: T): void {
    if (this.kept.isFull) this.kept.poll(); // memory stays at `count` items
    this.kept.offer(value);
  }

  protected emitSome(downstream: Subscriber<T>): void {
    if (this.error !== null) return this.fail(this.error); // errors are not delayed behind the kept items
    if (!this.done) {
      if (this.requested > 0 && !this.upstreamStarted) {
        this.upstreamStarted = true;
        this.upstream!.request(UNBOUNDED); // read to the end
      }
      return;
    }
    while (this.requested > 0 && !this.kept.isEmpty) {
      this.requested--;
      downstream.onNext(this.kept.poll()!);
      if (this.cancelled) return;
    }
    this.terminateWhenDone(this.kept.isEmpty);
  }

  protected override dispose(): void {
    this.kept.clear(); // §3.13
    super.dispose();
  }
}
