import { Flow, type Operator } from '../Flow';
import { addDemand, isValidRequest } from '../internal/demand';
import { invalidRequestError, nullArgumentError } from '../internal/errors';
import { toFlow } from '../internal/lift';
import { reportLateError } from '../internal/report';
import type { Scheduler } from '../schedulers/Scheduler';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { TaskSlot } from '../internal/scheduling';

/**
 * Subscribes to the source from a `scheduler` task, and forwards every later `request(n)` from one too (Reactor's
 * `subscribeOn` with its default `requestOnSeparateThread`). Items and terminal signals are not moved: they arrive
 * wherever the source emits them (use `observeOn` for that).
 *
 * ```
 * source (synchronous):  1 2 3 |
 * subscribeOn(s):        ----1 2 3 |      (subscribed, and so run, one tick later)
 * ```
 *
 * Useful to take an expensive or blocking subscription (a synchronous generator, a file open) off the caller's
 * stack, or to make the subscription happen after the current code finishes.
 *
 * **Demand**: the downstream receives its subscription at once and may request straight away; demand requested
 * before the source has subscribed is kept and requested together with the subscription, on the scheduler.
 * Later requests are added up and forwarded by one scheduler task (several requests within one tick become one
 * `request(sum)`), so a source never runs its emit loop on the requester's stack. Nothing is buffered.
 *
 * **Errors**: source errors pass through. An invalid `request(n)` cancels the source (or the pending
 * subscription) and signals `onError(RangeError)` at once (§3.9).
 *
 * **Cancellation**: cancels the source if it has subscribed; otherwise withdraws the scheduled subscription, so the
 * source is never subscribed at all. Pending request tasks are withdrawn and references released (§3.13).
 *
 * @example
 * generate(expensiveSetup).pipe(subscribeOn(macrotaskScheduler)).subscribe(subscriber);
 */
export function subscribeOn<T>(scheduler: Scheduler): Operator<T, T> {
  if (scheduler == null || typeof scheduler.schedule !== 'function' || typeof scheduler.now !== 'function') {
    throw new TypeError(`subscribeOn: scheduler must have now() and schedule(task, delayMs), got ${String(scheduler)}`);
  }
  return (source: Publisher<T>): Flow<T> => {
    const upstreamFlow = toFlow(source);
    // Not `lift`: lifting subscribes the whole upstream chain synchronously, and that is what this operator defers.
    return new Flow<T>((downstream) => {
      const subscriber = new SubscribeOnSubscriber(downstream, scheduler, upstreamFlow);
      downstream.onSubscribe(subscriber); // §1.9
      subscriber.start();
    });
  };
}

class SubscribeOnSubscriber<T> implements Subscriber<T>, Subscription {
  private downstream: Subscriber<T> | null;
  private scheduler: Scheduler | null;
  private source: Flow<T> | null;
  private upstream: Subscription | null = null;
  /** Demand requested downstream and not yet forwarded upstream. */
  private pending = 0;
  private readonly subscribeSlot = new TaskSlot();
  private readonly requestSlot = new TaskSlot();
  private done = false;
  /** The source was cancelled (by the downstream or §3.9), not ended by its own terminal signal. */
  private cancelledSource = false;

  constructor(downstream: Subscriber<T>, scheduler: Scheduler, source: Flow<T>) {
    this.downstream = downstream;
    this.scheduler = scheduler;
    this.source = source;
  }

  start(): void {
    if (this.scheduler === null) return; // cancelled or failed inside onSubscribe: never subscribe
    this.subscribeSlot.schedule(this.scheduler, this.subscribeTask);
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.upstream !== null || this.downstream === null) {
      subscription.cancel(); // §2.5 a second subscription, or one arriving after cancel, is cancelled
      return;
    }
    this.upstream = subscription;
    this.flushRequests(); // runs on the scheduler: inside the subscribe task
  }

  onNext(item: T): void {
    if (item == null) throw nullArgumentError('onNext', item); // §2.13
    if (this.done) return; // §2.8 items in flight after cancel are dropped
    this.downstream!.onNext(item);
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    const downstream = this.downstream;
    if (this.done || downstream === null) {
      reportLateError(error, this.cancelledSource); // dropped after our cancel (ADR 0012); after its own end, §1.7
      return;
    }
    this.release();
    downstream.onError(error);
  }

  onComplete(): void {
    const downstream = this.downstream;
    if (this.done || downstream === null) return; // §1.7
    this.release();
    downstream.onComplete();
  }

  request(n: number): void {
    const downstream = this.downstream;
    if (this.done || downstream === null) return; // §3.6
    if (!isValidRequest(n)) {
      this.cancel(); // §3.9 cancel the source (or its pending subscription), then signal
      downstream.onError(invalidRequestError(n));
      return;
    }
    this.pending = addDemand(this.pending, n); // §3.17
    if (this.upstream === null || this.requestSlot.pending) return; // sent with the subscription, or already scheduled
    this.requestSlot.schedule(this.scheduler!, this.requestTask);
  }

  cancel(): void {
    if (this.done) return; // §3.7
    const upstream = this.upstream;
    this.cancelledSource = true;
    this.release();
    upstream?.cancel();
  }

  private readonly subscribeTask = (): void => {
    this.subscribeSlot.ran();
    const source = this.source;
    this.source = null;
    if (source !== null && !this.done) source.subscribe(this);
  };

  private readonly requestTask = (): void => {
    this.requestSlot.ran();
    this.flushRequests();
  };

  private flushRequests(): void {
    const n = this.pending;
    this.pending = 0;
    if (n > 0 && !this.done) this.upstream!.request(n);
  }

  /** Ends the subscription: withdraws scheduled tasks and drops every reference (§3.13). */
  private release(): void {
    this.done = true;
    this.subscribeSlot.cancel();
    this.requestSlot.cancel();
    this.downstream = null;
    this.scheduler = null;
    this.source = null;
    this.upstream = null;
  }
}
