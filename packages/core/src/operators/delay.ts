import type { Flow, Operator } from '../Flow';
import { requirePositiveBound } from '../internal/demand';
import { UpstreamDrainSubscription } from '../internal/UpstreamDrainSubscription';
import { nullArgumentError, overDeliveryError } from '../internal/errors';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import { lift } from '../internal/lift';
import { reportError } from '../internal/report';
import { RingBuffer } from '../internal/RingBuffer';
import type { Scheduler } from '../schedulers/Scheduler';
import { requireDelay, requireScheduler } from '../sources/interval';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
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

class DelaySubscriber<T> extends UpstreamDrainSubscription<T, T> implements Inspectable {
  private readonly scheduler: Scheduler;
  private readonly ms: number;
  private readonly queue: RingBuffer<Delayed<T>>;
  private upstreamDemand = 0;
  private readonly timer = new TaskSlot();
  /** Set by the timer, consumed by the next emit pass: only a timer emits, so even delay(0) hops through the scheduler. */
  private timerFired = false;
  private done = false;
  private error: Error | null = null;

  constructor(downstream: Subscriber<T>, scheduler: Scheduler, ms: number, capacity: number) {
    super(downstream);
    this.scheduler = scheduler;
    this.ms = ms;
    this.queue = new RingBuffer<Delayed<T>>(capacity);
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done || this.cancelled) return; // §2.8 items in flight after cancel are dropped
    if (this.upstreamDemand === 0) {
      const upstream = this.upstream;
      this.upstream = null;
      upstream?.cancel(); // §1.1 more than requested: cancel upstream, then signal
      return this.onError(overDeliveryError('delay', 0));
    }
    this.upstreamDemand--;
    this.receivedItems++;
    this.queue.offer({ value, due: this.scheduler.now() + this.ms }); // cannot fail: in flight ≤ capacity
    this.drain();
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.done) {
      reportError(error); // §1.7 nothing after a terminal signal; never swallowed
      return;
    }
    this.done = true;
    this.upstream = null;
    this.error = error;
    this.queue.clear(); // errors are not delayed: waiting items are discarded
    this.drain();
  }

  onComplete(): void {
    if (this.done) return; // §1.7
    this.done = true;
    this.upstream = null;
    this.drain();
  }

  inspect(): StageSnapshot {
    return {
      stage: 'delay', capacity: this.queue.capacity, buffered: this.queue.size, requested: this.requested,
      upstreamRequested: this.done ? 0 : this.upstreamDemand, received: this.receivedItems, emitted: this.emittedItems,
      dropped: 0, terminated: this.terminated, cancelled: this.cancelled && !this.terminated,
    };
  }

  protected emitSome(downstream: Subscriber<T>): void {
    if (this.error !== null) {
      return this.fail(this.error);
    }
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
      if (queue.size === 0) {
        this.complete();
      } else this.armTimer();
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
    const upstream = this.upstream;
    this.upstream = null;
    if (upstream !== null && !this.done) upstream.cancel();
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
