import type { Flow, Operator } from '../Flow';
import { addDemand, isValidRequest, requirePositiveBound } from '../internal/demand';
import { Prefetcher } from '../internal/Prefetcher';
import { QueueStage } from '../internal/QueueStage';
import { overDeliveryError } from '../internal/errors';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import { lift } from '../internal/lift';
import { RingBuffer } from '../internal/RingBuffer';
import type { Scheduler } from '../schedulers/Scheduler';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { TaskSlot } from '../internal/scheduling';

/** The default `prefetch` of `observeOn`: the buffer's bound and the first upstream request. */
export const DEFAULT_OBSERVE_ON_PREFETCH = 256;

export interface ObserveOnOptions {
  /** Items requested upstream ahead of downstream demand; also the buffer's bound. Default 256. */
  prefetch?: number;
  /**
   * `true` (default): an upstream error is delivered after the items buffered before it, like completion.
   * `false`: the buffered items are discarded and the error is delivered on the next tick.
   */
  delayError?: boolean;
}

/**
 * Moves the delivery of items and terminal signals onto `scheduler`: a bounded asynchronous boundary (Reactor's
 * `publishOn`). The upstream runs wherever it runs; the downstream is called only from scheduler tasks.
 *
 * ```
 * source:             1 2 3 4 5 |           (synchronous)
 * observeOn(s):       -----1 2 3 4 5 |      (one scheduler tick later)
 * request upstream:   256 ........192...    (prefetch, then 75% steps)
 * ```
 *
 * **Demand**: requests `prefetch` upstream on subscribe (from the subscribing call) and buffers what arrives in a
 * RingBuffer of `prefetch` items. Each tick emits buffered items while downstream demand lasts, at most `prefetch`
 * items per tick, then ends the task so other work (I/O, timers, other boundaries) runs before the next batch: an
 * infinite synchronous source cannot monopolise the scheduler. Every time 75% of `prefetch` has been emitted
 * (`replenishAt`), that many more are requested upstream, from inside the tick. So `buffered + upstreamRequested`
 * never exceeds `prefetch`; an upstream that delivers beyond it is cancelled and signalled as a §1.1 error after the
 * buffered items. Downstream `request(n)` only adds demand and schedules a tick; the returned subscription is
 * `Inspectable` (capacity, depth, demand both ways, items in and out).
 *
 * **Errors**: completion and (by default) errors are delivered after the buffered items, on a tick, so a consumer
 * sees every item the upstream produced before it failed; with no downstream demand the error waits for it, as
 * completion does. With `delayError: false` the buffered items are discarded and the error goes out on the next
 * tick. An invalid `request(n)` cancels upstream and signals `onError(RangeError)` at once, from the `request` call
 * (§3.9; a tick would only delay an error that ends the subscription anyway).
 *
 * **Cancellation**: synchronous: cancels upstream, withdraws the scheduled tick and clears the buffer, so neither the
 * scheduler nor the buffer keeps the subscriber or items reachable (§3.13).
 *
 * @example
 * range(0, 1_000_000).pipe(observeOn(macrotaskScheduler, { prefetch: 1024 })).subscribe(subscriber);
 */
export function observeOn<T>(scheduler: Scheduler, options: ObserveOnOptions = {}): Operator<T, T> {
  if (scheduler == null || typeof scheduler.schedule !== 'function' || typeof scheduler.now !== 'function') {
    throw new TypeError(`observeOn: scheduler must have now() and schedule(task, delayMs), got ${String(scheduler)}`);
  }
  const prefetch = requirePositiveBound('observeOn: prefetch', options.prefetch ?? DEFAULT_OBSERVE_ON_PREFETCH);
  const delayError = options.delayError ?? true;
  if (typeof delayError !== 'boolean') throw new TypeError(`observeOn: delayError must be a boolean, got ${String(delayError)}`);
  return (source: Publisher<T>): Flow<T> =>
    lift(source, (downstream: Subscriber<T>) => new ObserveOnSubscriber(downstream, scheduler, prefetch, delayError));
}

class ObserveOnSubscriber<T> extends QueueStage<T, T> implements Inspectable {
  private scheduler: Scheduler | null;
  private readonly queue: RingBuffer<T>;
  private readonly prefetcher: Prefetcher;
  private readonly delayError: boolean;
  private readonly tickSlot = new TaskSlot();
  private inTick = false;
  private batchLeft = 0;

  constructor(downstream: Subscriber<T>, scheduler: Scheduler, prefetch: number, delayError: boolean) {
    super(downstream);
    this.scheduler = scheduler;
    this.queue = new RingBuffer<T>(prefetch);
    this.prefetcher = new Prefetcher(prefetch);
    this.delayError = delayError;
  }

  protected override onUpstream(subscription: Subscription): void {
    subscription.request(this.prefetcher.start());
  }

  protected accept(item: T): void {
    if (!this.prefetcher.arrived()) {
      // §1.1 the upstream delivered beyond what was requested: stop intake, deliver what is buffered, then the error
      this.receivedItems--; // not taken in: the snapshot counts accepted items only
      this.stopIntake(overDeliveryError('observeOn', 0));
    } else {
      this.queue.offer(item); // cannot fail: buffered + outstanding upstream demand never exceeds prefetch
    }
    this.scheduleTick();
  }

  protected override onUpstreamError(): void {
    if (!this.delayError) this.queue.clear();
  }

  protected override wake(): void {
    this.scheduleTick();
  }

  override request(n: number): void {
    if (!this.cancelled && isValidRequest(n)) {
      this.requested = addDemand(this.requested, n); // §3.17
      this.scheduleTick(); // items go out on the scheduler, never from inside request
    } else {
      super.request(n); // §3.9 cancels and signals at once; §3.6 a no-op after cancel
    }
  }

  inspect(): StageSnapshot {
    return this.snapshot('observeOn');
  }

  protected override get capacity(): number {
    return this.prefetcher.prefetch;
  }

  protected override get buffered(): number {
    return this.queue.size;
  }

  protected override get upstreamRequested(): number {
    return this.done ? 0 : this.prefetcher.outstanding;
  }

  protected emitSome(downstream: Subscriber<T>): void {
    const queue = this.queue;
    for (;;) {
      if (this.terminateWhenDone(queue.size === 0)) return;
      if (!this.inTick || queue.size === 0 || this.requested === 0 || this.batchLeft === 0) return;
      const item = queue.poll() as T;
      this.requested--; // Infinity - 1 stays unbounded
      this.batchLeft--;
      this.emittedItems++;
      downstream.onNext(item);
      if (this.cancelled) return;
      if (!this.done) {
        const more = this.prefetcher.consumedOne();
        if (more > 0) {
          this.upstream!.request(more); // a synchronous upstream refills the queue right here, within bounds
          if (this.cancelled) return;
        }
      }
    }
  }

  protected override dispose(): void {
    this.scheduler = null; // §3.13 no pending tick may keep the subscriber reachable
    this.tickSlot.cancel();
    this.queue.clear();
    super.dispose();
  }

  private scheduleTick(): void {
    // One tick at a time; a tick that is running reschedules itself at its end if work is left.
    if (this.inTick || this.tickSlot.pending || this.scheduler === null) return;
    this.tickSlot.schedule(this.scheduler, this.tick);
  }

  private readonly tick = (): void => {
    this.tickSlot.ran();
    if (this.scheduler === null) return;
    this.inTick = true;
    this.batchLeft = this.prefetcher.prefetch; // bounded batch: yield to the scheduler after `prefetch` items
    try {
      this.drain();
    } finally {
      this.inTick = false;
    }
    if (this.wip === 0 && this.hasWork()) this.scheduleTick();
  };

  private hasWork(): boolean {
    if (this.cancelled) return false;
    return this.queue.size > 0 ? this.requested > 0 : this.done;
  }
}
