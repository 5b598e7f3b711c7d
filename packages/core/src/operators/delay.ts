import type { Flow, Operator } from '../Flow';
import { requirePositiveBound } from '../internal/demand';
import { QueueStage } from '../internal/QueueStage';
import { overDeliveryError } from '../internal/errors';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import { lift } from '../internal/lift';
import { RingBuffer } from '../internal/RingBuffer';
import type { Scheduler } from '../schedulers/Scheduler';
import { requireDelay, requireScheduler } from '../sources/interval';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import { TaskSlot } from '../internal/scheduling';

export interface DelayOptions {
  /** Where time comes from. Default `timerScheduler` (setTimeout); tests pass a `VirtualTimeScheduler`. */
  scheduler?: Scheduler;
  /** The most items held at once while their delay runs (and so the most requested upstream ahead). Default 256. */
  capacity?: number;
}

/**
 * Shifts every item `ms` later in time: each item is emitted `ms` after it arrived, in order.
 *
 * ```
 * source:          1--2-----3--|
 * delay(20):       ----1--2-----3--|     (completion follows the last item)
 * request:         2 ...........1
 * ```
 *
 * **Demand**: an item only leaves the source when it was requested, so the items in flight (received, waiting for
 * their time) never outnumber the outstanding downstream demand, and never exceed `capacity`: upstream is asked for
 * `min(outstanding demand, capacity) - in flight - already requested`, topped up as items go out. An unbounded
 * downstream request becomes bounded requests of at most `capacity` upstream. An item that arrives beyond what was
 * requested is a §1.1 violation: upstream is cancelled and the error signalled.
 *
 * **Errors**: an upstream error is not delayed: the items still waiting are discarded and the error is signalled at
 * once (a failure is news the consumer should not wait for). Completion waits until the last item went out.
 *
 * **Cancellation**: cancels upstream, withdraws the pending timer and drops the waiting items (§3.13).
 *
 * @example
 * of(1, 2, 3).pipe(delay(1000)); // 1, 2, 3 one second later
 */
export function delay<T>(ms: number, options: DelayOptions = {}): Operator<T, T> {
  requireDelay('delay', ms);
  const scheduler = requireScheduler('delay', options.scheduler);
  const capacity = requirePositiveBound('delay: capacity', options.capacity ?? 256);
  return (source: Publisher<T>): Flow<T> =>
    lift(source, (downstream: Subscriber<T>) => new DelaySubscriber(downstream, scheduler, ms, capacity));
}

interface Delayed<T> {
  readonly value: T;
  readonly due: number;
}

class DelaySubscriber<T> extends QueueStage<T, T> implements Inspectable {
  private readonly scheduler: Scheduler;
  private readonly ms: number;
  private readonly queue: RingBuffer<Delayed<T>>;
  private upstreamDemand = 0;
  private readonly timer = new TaskSlot();
  /** Set by the timer, consumed by the next emit pass: only a timer emits, so even delay(0) hops through the scheduler. */
  private timerFired = false;

  constructor(downstream: Subscriber<T>, scheduler: Scheduler, ms: number, capacity: number) {
    super(downstream);
    this.scheduler = scheduler;
    this.ms = ms;
    this.queue = new RingBuffer<Delayed<T>>(capacity);
  }

  protected accept(value: T): void {
    if (this.upstreamDemand === 0) {
      this.receivedItems--; // not taken in
      this.stopIntake(overDeliveryError('delay', 0)); // §1.1 more than requested: cancel upstream, then signal
      this.queue.clear(); // errors are not delayed: waiting items are discarded
      return this.drain();
    }
    this.upstreamDemand--;
    this.queue.offer({ value, due: this.scheduler.now() + this.ms }); // cannot fail: in flight ≤ capacity
    this.drain();
  }

  protected override onUpstreamError(): void {
    this.queue.clear(); // errors are not delayed: waiting items are discarded
  }

  inspect(): StageSnapshot {
    return this.snapshot('delay');
  }

  protected override get capacity(): number {
    return this.queue.capacity;
  }

  protected override get buffered(): number {
    return this.queue.size;
  }

  protected override get upstreamRequested(): number {
    return this.done ? 0 : this.upstreamDemand;
  }

  protected emitSome(downstream: Subscriber<T>): void {
    if (this.error !== null) return this.fail(this.error);
    const queue = this.queue;
    if (this.timerFired) {
      this.timerFired = false; // every waiting item was requested, so all that fell due go out now
      const now = this.scheduler.now();
      while (queue.size > 0 && this.requested > 0 && queue.peek()!.due <= now) {
        const entry = queue.poll()!;
        this.requested--;
        this.emittedItems++;
        downstream.onNext(entry.value);
        if (this.cancelled) return;
      }
    }
    if (this.done) {
      if (!this.terminateWhenDone(queue.size === 0)) this.armTimer();
      return;
    }
    const want = Math.min(this.requested, queue.capacity) - queue.size - this.upstreamDemand;
    if (want > 0) {
      this.upstreamDemand += want;
      this.upstream!.request(want); // a synchronous upstream re-enters onNext; the drain loop picks its items up
      if (this.cancelled) return;
    }
    this.armTimer();
  }

  protected override dispose(): void {
    this.timer.cancel(); // §3.13 the scheduled task no longer references this subscriber
    this.queue.clear();
    super.dispose();
  }

  private armTimer(): void {
    if (this.timer.pending || this.queue.size === 0) return;
    this.timer.schedule(this.scheduler, this.fire, Math.max(0, this.queue.peek()!.due - this.scheduler.now()));
  }

  private readonly fire = (): void => {
    this.timer.ran();
    this.timerFired = true;
    this.drain();
  };
}
