import type { Flow, Operator } from '../Flow';
import { isValidRequest } from '../internal/demand';
import { invalidRequestError, nullArgumentError } from '../internal/errors';
import { lift, toFlow } from '../internal/lift';
import { reportLateError } from '../internal/report';
import { SubscriptionArbiter } from '../internal/SubscriptionArbiter';
import type { Scheduler } from '../schedulers/Scheduler';
import { requireScheduler } from '../sources/interval';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { TaskSlot } from '../internal/scheduling';

/** Signalled by `timeout` (an item took too long) and `deadline` (the whole stream took too long). */
export class TimeoutError extends Error {
  /** The budget that ran out, in milliseconds. */
  readonly ms: number;
  constructor(message: string, ms: number) {
    super(message);
    this.name = 'TimeoutError';
    this.ms = ms;
  }

  /** Always `'ERR_SLUICE_TIMEOUT'`. */
  get code(): 'ERR_SLUICE_TIMEOUT' {
    return 'ERR_SLUICE_TIMEOUT';
  }
}

export interface TimeoutOptions<T> {
  /** Where time comes from. Default `timerScheduler` (setTimeout); tests pass a `VirtualTimeScheduler`. */
  scheduler?: Scheduler;
  /** Switched to on timeout instead of failing; it receives exactly the demand still outstanding. */
  fallback?: Publisher<T>;
}

/**
 * Fails (or switches to `fallback`) when an item that was requested does not arrive within `ms`: the first item,
 * and each item after the previous one.
 *
 * ```
 * source:         -1---2---------3
 * timeout(5):     -1---2----X            (X: TimeoutError, upstream cancelled)
 * with fallback:  -1---2----a-b-c|       (the fallback continues with the outstanding demand)
 * ```
 *
 * The clock only runs while an item is owed: it starts when downstream demand first becomes positive (not at
 * subscribe), restarts after each item while demand remains, and stops when demand is used up. A consumer that is
 * slow to request therefore never makes its producer time out; this departs on purpose from Reactor's and RxJS's
 * `timeout`, which count the consumer's own slowness against the producer.
 *
 * **Demand**: passes requests through. On a switch to `fallback`, the fallback is asked for exactly the demand that
 * was requested and not yet delivered (requests made meanwhile included), so nothing is lost and nothing extra is
 * asked. The fallback itself is not timed.
 *
 * **Errors**: on timeout without a fallback, upstream is cancelled and `onError(TimeoutError)` names the budget and
 * the item that was late. Upstream and fallback errors pass through. An invalid `request(n)` cancels whichever
 * source is current and signals `onError(RangeError)` (§3.9).
 *
 * **Cancellation**: cancels the current source (upstream or fallback) and withdraws the timer (§3.13).
 *
 * @example
 * fetchPages().pipe(timeout(5_000, { fallback: of(cachedPage) }));
 */
export function timeout<T>(ms: number, options: TimeoutOptions<T> = {}): Operator<T, T> {
  if (typeof ms !== 'number' || !(ms > 0) || !Number.isFinite(ms)) {
    throw new RangeError(`timeout: ms must be a positive finite number, got ${String(ms)}`);
  }
  const scheduler = requireScheduler('timeout', options.scheduler);
  const fallback = options.fallback === undefined ? null : toFlow(options.fallback);
  return (source: Publisher<T>): Flow<T> =>
    lift(source, (downstream: Subscriber<T>) => new TimeoutSubscriber(downstream, scheduler, ms, fallback));
}

class TimeoutSubscriber<T> implements Subscriber<T>, Subscription {
  downstream: Subscriber<T> | null;
  private scheduler: Scheduler | null;
  private readonly ms: number;
  private fallback: Flow<T> | null;
  readonly arbiter = new SubscriptionArbiter();
  private upstream: Subscription | null = null;
  private readonly timer = new TaskSlot();
  private switched = false;
  private fallbackSubscriber: TimeoutFallbackSubscriber<T> | null = null;
  private done = false;
  /** The first upstream was cancelled by this stage (downstream cancel, §3.9, the timeout), not ended by itself. */
  private cancelledUpstream = false;
  private received = 0;

  constructor(downstream: Subscriber<T>, scheduler: Scheduler, ms: number, fallback: Flow<T> | null) {
    this.downstream = downstream;
    this.scheduler = scheduler;
    this.ms = ms;
    this.fallback = fallback;
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.upstream !== null || this.done) {
      subscription.cancel(); // §2.5 a second subscription is cancelled
      return;
    }
    this.upstream = subscription;
    this.arbiter.setSubscription(subscription);
    this.downstream!.onSubscribe(this);
  }

  onNext(item: T): void {
    if (item == null) throw nullArgumentError('onNext', item); // §2.13
    if (this.done || this.switched) return; // §2.8 late items from a cancelled upstream are dropped
    this.stopTimer();
    this.received++;
    this.deliver(item);
    this.armTimer();
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.done || this.switched) {
      // dropped once we cancelled that upstream (ADR 0012); after its own terminal signal, §1.7: reported
      reportLateError(error, this.cancelledUpstream);
      return;
    }
    this.terminate(error);
  }

  onComplete(): void {
    if (this.done || this.switched) return; // §1.7
    this.terminate(null);
  }

  request(n: number): void {
    if (this.done) return; // §3.6
    if (!isValidRequest(n)) {
      this.markCancelled();
      this.arbiter.cancel(); // §3.9 cancel the current source, then signal
      this.terminate(invalidRequestError(n));
      return;
    }
    this.arbiter.request(n);
    this.armTimer();
  }

  cancel(): void {
    if (this.done) return; // §3.7
    this.markCancelled();
    this.arbiter.cancel();
    this.release();
  }

  /** The sources still live are about to be cancelled by us: their late errors are dropped, not reported. */
  private markCancelled(): void {
    if (!this.switched) this.cancelledUpstream = true;
    this.fallbackSubscriber?.markCancelled();
  }

  /** Delivers one item from the upstream or the fallback. */
  deliver(item: T): void {
    this.arbiter.produced(1);
    this.downstream!.onNext(item);
  }

  /** Ends the stream with an error (`null`: completion). */
  terminate(error: Error | null): void {
    const downstream = this.downstream;
    if (this.done || downstream === null) return;
    this.release();
    if (error === null) downstream.onComplete();
    else downstream.onError(error);
  }

  private armTimer(): void {
    if (this.timer.pending || this.done || this.switched || this.arbiter.requested === 0) return;
    this.timer.schedule(this.scheduler!, this.onTimeout, this.ms);
  }

  private stopTimer(): void {
    this.timer.cancel();
  }

  private readonly onTimeout = (): void => {
    this.timer.ran();
    if (this.done || this.switched) return;
    const upstream = this.upstream;
    this.upstream = null;
    this.arbiter.clearSubscription();
    this.cancelledUpstream = true;
    upstream?.cancel(); // abandon the late upstream before anything else happens
    const fallback = this.fallback;
    if (fallback === null) {
      const which = this.received === 0 ? 'the first item' : `item ${this.received + 1}`;
      this.terminate(new TimeoutError(`timeout: ${which} did not arrive within ${this.ms} ms; upstream cancelled`, this.ms));
      return;
    }
    this.switched = true;
    this.fallback = null;
    const fallbackSubscriber = new TimeoutFallbackSubscriber(this);
    this.fallbackSubscriber = fallbackSubscriber;
    fallback.subscribe(fallbackSubscriber);
  };

  private release(): void {
    this.done = true;
    this.stopTimer();
    this.downstream = null; // §3.13
    this.scheduler = null;
    this.fallback = null;
    this.fallbackSubscriber = null;
    this.upstream = null;
  }
}

/** Subscribes the fallback: its subscription goes into the parent's arbiter, which asks it for the outstanding demand. */
class TimeoutFallbackSubscriber<T> implements Subscriber<T> {
  private readonly parent: TimeoutSubscriber<T>;
  /** The parent cancelled the fallback (downstream cancel, §3.9), rather than the fallback ending by itself. */
  private cancelled = false;

  constructor(parent: TimeoutSubscriber<T>) {
    this.parent = parent;
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    this.parent.arbiter.setSubscription(subscription); // cancels it if the parent was cancelled meanwhile
  }

  onNext(item: T): void {
    if (item == null) throw nullArgumentError('onNext', item); // §2.13
    if (this.parent.downstream === null) return; // §2.8 after cancel
    this.parent.deliver(item);
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.parent.downstream === null) return reportLateError(error, this.cancelled); // dropped after cancel (ADR 0012), else §1.7
    this.parent.terminate(error);
  }

  onComplete(): void {
    this.parent.terminate(null);
  }

  markCancelled(): void {
    this.cancelled = true;
  }
}
