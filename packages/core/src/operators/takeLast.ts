import type { Flow, Operator } from '../Flow';
import { UNBOUNDED } from '../internal/demand';
import { nullArgumentError } from '../internal/errors';
import { lift } from '../internal/lift';
import { reportError } from '../internal/report';
import { RingBuffer } from '../internal/RingBuffer';
import { UpstreamDrainSubscription } from '../internal/UpstreamDrainSubscription';
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

class TakeLastSubscriber<T> extends UpstreamDrainSubscription<T, T> {
  private kept: RingBuffer<T>;
  private upstreamStarted = false;
  private upstreamDone = false;
  private error: Error | null = null;

  constructor(downstream: Subscriber<T>, count: number) {
    super(downstream);
    this.kept = new RingBuffer<T>(count);
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.upstreamDone) return;
    if (this.kept.isFull) this.kept.poll();
    this.kept.offer(value);
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.upstreamDone) return reportError(error); // §1.7
    this.upstreamDone = true;
    this.error = error;
    this.drain();
  }

  onComplete(): void {
    if (this.upstreamDone) return; // §1.7
    this.upstreamDone = true;
    this.drain();
  }

  protected emitSome(downstream: Subscriber<T>): void {
    if (this.error !== null) return this.fail(this.error);
    if (!this.upstreamDone) {
      if (this.requested > 0 && !this.upstreamStarted) {
        this.upstreamStarted = true;
        this.upstream!.request(UNBOUNDED); // read to the end; memory stays at `count` items
      }
      return;
    }
    while (this.requested > 0 && !this.kept.isEmpty) {
      this.requested--;
      downstream.onNext(this.kept.poll()!);
      if (this.cancelled) return;
    }
    if (this.kept.isEmpty) this.complete();
  }

  protected override dispose(): void {
    if (!this.upstreamDone) this.upstream?.cancel();
    this.upstreamDone = true;
    this.kept.clear(); // §3.13
  }
}
