import type { Flow, Operator } from '../Flow';
import { addDemand, isValidRequest, replenishAt, requirePositiveBound } from '../internal/demand';
import { UpstreamDrainSubscription } from '../internal/UpstreamDrainSubscription';
import { nullArgumentError, overDeliveryError } from '../internal/errors';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import { lift } from '../internal/lift';
import { reportError } from '../internal/report';
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

class ObserveOnSubscriber<T> extends UpstreamDrainSubscription<T, T> implements Inspectable {
  private scheduler: Scheduler | null;
  private readonly queue: RingBuffer<T>;
  private readonly prefetch: number;
  private readonly limit: number;
  private readonly delayError: boolean;
  private upstreamDemand = 0;
  private consumed = 0;
  private done = false;
  private error: Error | null = null;
  private readonly tickSlot = new TaskSlot();
  private inTick = false;
  private batchLeft = 0;

  constructor(downstream: Subscriber<T>, scheduler: Scheduler, prefetch: number, delayError: boolean) {
    super(downstream);
    this.scheduler = scheduler;
    this.queue = new RingBuffer<T>(prefetch);
    this.prefetch = prefetch;
    this.limit = replenishAt(prefetch);
    this.delayError = delayError;
  }

  protected override onUpstream(subscription: Subscription): void {
    this.upstreamDemand = this.prefetch;
    subscription.request(this.prefetch);
  }

  onNext(item: T): void {
    if (item == null) throw nullArgumentError('onNext', item); // §2.13
    if (this.done || this.cancelled) return; // §2.8 items in flight after cancel are dropped
    if (this.upstreamDemand === 0) {
      // §1.1 the upstream delivered beyond what was requested: stop intake, deliver what is buffered, then the error
      this.stopIntake(overDeliveryError('observeOn', 0));
    } else {
      this.queue.offer(item); // cannot fail: buffered + upstreamRequested never exceeds prefetch
      this.receivedItems++;
      this.upstreamDemand--;
    }
    this.scheduleTick();
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
    if (!this.delayError) this.queue.clear();
    this.scheduleTick();
  }

  onComplete(): void {
    if (this.done) return; // §1.7
    this.done = true;
    this.upstream = null;
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
    return {
      stage: 'observeOn', capacity: this.prefetch, buffered: this.queue.size, requested: this.requested,
      upstreamRequested: this.done ? 0 : this.upstreamDemand, received: this.receivedItems, emitted: this.emittedItems,
      dropped: 0, terminated: this.terminated, cancelled: this.cancelled && !this.terminated,
    };
  }

  protected emitSome(downstream: Subscriber<T>): void {
    const queue = this.queue;
    for (;;) {
      if (this.done && queue.size === 0) {
        if (this.error !== null) this.fail(this.error);
        else this.complete();
        return;
      }
      if (!this.inTick || queue.size === 0 || this.requested === 0 || this.batchLeft === 0) return;
      const item = queue.poll() as T;
      this.requested--; // Infinity - 1 stays unbounded
      this.batchLeft--;
      this.emittedItems++;
      downstream.onNext(item);
      if (this.cancelled) return;
      if (!this.done && ++this.consumed === this.limit) {
        this.consumed = 0;
        this.upstreamDemand += this.limit;
        this.upstream!.request(this.limit); // a synchronous upstream refills the queue right here, within bounds
        if (this.cancelled) return;
      }
    }
  }

  protected override dispose(): void {
    this.scheduler = null; // §3.13 no pending tick may keep the subscriber reachable
    this.tickSlot.cancel();
    this.queue.clear();
    const upstream = this.upstream;
    this.upstream = null;
    if (upstream !== null && !this.done) upstream.cancel();
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
    this.batchLeft = this.prefetch; // bounded batch: yield to the scheduler after `prefetch` items
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

  /** Ends intake now (cancels upstream); the buffered items still go out first, then `error`. */
  private stopIntake(error: Error): void {
    this.done = true;
    this.error = error;
    const upstream = this.upstream;
    this.upstream = null;
    upstream?.cancel();
  }
}
