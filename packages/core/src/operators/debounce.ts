import type { Flow, Operator } from '../Flow';
import { QueueStage } from '../internal/QueueStage';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import { lift } from '../internal/lift';
import type { Scheduler } from '../schedulers/Scheduler';
import { requireScheduler } from '../sources/interval';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import { TaskSlot } from '../internal/scheduling';

export interface DebounceOptions {
  /** Where time comes from. Default `timerScheduler` (setTimeout); tests pass a `VirtualTimeScheduler`. */
  scheduler?: Scheduler;
}

/**
 * Emits an item only once `ms` have passed without a newer one: bursts collapse to their last item.
 *
 * ```
 * source:         -a-b-c--------d---|
 * debounce(5):    ------------c------d|      (c: 5 ms of silence after it; d: flushed at completion)
 * ```
 *
 * **Demand**: debounce is lossy by design (it replaces items), so once downstream first requests it asks upstream
 * for an unbounded amount and keeps **one** item: the latest, waiting for its quiet period. An item whose quiet
 * period ended while downstream has no outstanding demand is not dropped: it waits in that single slot for the next
 * `request(n)`, unless a newer item replaces it (which restarts the clock). So nothing is emitted unrequested (§1.1)
 * and at most one item is held. `inspect()` reports `buffered` (0 or 1), `received`, `emitted`; `dropped` stays 0
 * (replaced items are the operator's purpose, not an overflow: `received - emitted - buffered` of them).
 * **Errors**: an upstream error is signalled at once; the waiting item is discarded. Completion flushes the waiting
 * item at once (as soon as there is demand for it), then completes. An invalid `request(n)` cancels upstream and
 * signals `onError(RangeError)` (§3.9).
 * **Cancellation**: cancels upstream, withdraws the pending timer and drops the waiting item (§3.13).
 *
 * @example
 * keystrokes.pipe(debounce(300)); // the text once typing paused for 300 ms
 */
export function debounce<T>(ms: number, options: DebounceOptions = {}): Operator<T, T> {
  requirePeriod('debounce', ms);
  const scheduler = requireScheduler('debounce', options.scheduler);
  return (source: Publisher<T>): Flow<T> =>
    lift(source, (downstream: Subscriber<T>) => new DebounceSubscriber(downstream, scheduler, ms));
}

function requirePeriod(operator: string, ms: unknown): void {
  if (typeof ms !== 'number' || !(ms >= 0) || !Number.isFinite(ms)) {
    throw new RangeError(`${operator}: ms must be a non-negative finite number, got ${String(ms)}`);
  }
}

class DebounceSubscriber<T> extends QueueStage<T, T> implements Inspectable {
  private readonly scheduler: Scheduler;
  private readonly ms: number;
  private upstreamStarted = false;
  private pending: T | null = null;
  /** The pending item's quiet period is over: it goes out as soon as there is demand. */
  private ready = false;
  private readonly timer = new TaskSlot();

  constructor(downstream: Subscriber<T>, scheduler: Scheduler, ms: number) {
    super(downstream);
    this.scheduler = scheduler;
    this.ms = ms;
  }

  protected accept(value: T): void {
    this.pending = value; // a newer item replaces the waiting one and restarts its quiet period
    this.ready = false;
    this.timer.cancel();
    this.timer.schedule(this.scheduler, this.fire, this.ms);
  }

  protected override onUpstreamError(): void {
    this.pending = null; // errors are not debounced: the waiting item is discarded
    this.timer.cancel();
  }

  protected override onUpstreamComplete(): void {
    this.timer.cancel();
    this.ready = true; // the last item needs no more quiet: flush it
  }

  inspect(): StageSnapshot {
    return this.snapshot('debounce');
  }

  protected override get capacity(): number {
    return 1;
  }

  protected override get buffered(): number {
    return this.pending === null ? 0 : 1;
  }

  protected override get upstreamRequested(): number {
    return this.upstreamStarted && !this.done && !this.cancelled ? Infinity : 0;
  }

  protected emitSome(downstream: Subscriber<T>): void {
    if (this.error !== null) {
      return this.fail(this.error);
    }
    if (this.ready && this.pending !== null && this.requested > 0) {
      const value = this.pending;
      this.pending = null;
      this.ready = false;
      this.requested--;
      this.emittedItems++;
      downstream.onNext(value);
      if (this.cancelled) return;
    }
    if (this.done) {
      this.terminateWhenDone(this.pending === null);
      return;
    }
    if (!this.upstreamStarted && this.requested > 0) {
      this.upstreamStarted = true; // lossy by design: upstream runs at its own pace, one item is kept
      this.upstream!.request(Infinity);
    }
  }

  protected override dispose(): void {
    this.timer.cancel(); // §3.13 the scheduled task no longer references this subscriber
    this.pending = null;
    super.dispose();
  }

  private readonly fire = (): void => {
    this.timer.ran();
    this.ready = true;
    this.drain();
  };
}
