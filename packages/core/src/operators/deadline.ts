import type { Flow, Operator } from '../Flow';
import { nullArgumentError } from '../internal/errors';
import { ForwardingSubscriber } from '../internal/ForwardingSubscriber';
import { lift } from '../internal/lift';
import type { CancelTask, Scheduler } from '../schedulers/Scheduler';
import { requireScheduler } from '../sources/interval';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import { TimeoutError } from './timeout';

export interface DeadlineOptions {
  /** Where time comes from. Default `timerScheduler` (setTimeout); tests pass a `VirtualTimeScheduler`. */
  scheduler?: Scheduler;
}

/**
 * Gives the whole stream a budget of `ms` from subscription: if it has not terminated by then, the work is
 * abandoned: upstream is cancelled and `onError(TimeoutError)` is signalled, whatever the pace of items so far.
 *
 * ```
 * source:          -1-2-3-4-5-6-7-|
 * deadline(8):     -1-2-3-4X             (X: TimeoutError at 8 ms, upstream cancelled)
 * ```
 *
 * Use `timeout` to bound the wait for each item, `deadline` to bound the whole request (an HTTP handler's budget, a
 * batch job's window).
 *
 * **Demand**: passes requests through unchanged, one item out per item in; nothing is buffered. The budget runs
 * whether or not downstream requests: a consumer that stalls past the deadline gets the error too, since the point
 * is that nobody waits for the result any longer.
 *
 * **Errors**: upstream errors pass through (and stop the budget timer); on expiry `TimeoutError` with
 * `ms` set. **Cancellation**: cancels upstream and withdraws the budget timer, so nothing is kept reachable by the
 * scheduler (§3.13). Termination withdraws the timer too.
 *
 * @example
 * search(query).pipe(take(10), deadline(2_000)); // up to 10 hits, or a TimeoutError after two seconds
 */
export function deadline<T>(ms: number, options: DeadlineOptions = {}): Operator<T, T> {
  if (typeof ms !== 'number' || !(ms > 0) || !Number.isFinite(ms)) {
    throw new RangeError(`deadline: ms must be a positive finite number, got ${String(ms)}`);
  }
  const scheduler = requireScheduler('deadline', options.scheduler);
  return (source: Publisher<T>): Flow<T> =>
    lift(source, (downstream: Subscriber<T>) => new DeadlineSubscriber(downstream, scheduler, ms));
}

class DeadlineSubscriber<T> extends ForwardingSubscriber<T> {
  private readonly scheduler: Scheduler;
  private readonly ms: number;
  private cancelTimer: CancelTask | null = null;

  constructor(downstream: Subscriber<T>, scheduler: Scheduler, ms: number) {
    super(downstream);
    this.scheduler = scheduler;
    this.ms = ms;
  }

  /** The budget starts at subscription, unless the downstream already ended it from inside onSubscribe. */
  protected override onUpstream(): void {
    this.cancelTimer = this.scheduler.schedule(this.expire, this.ms);
  }

  onNext(item: T): void {
    if (item == null) throw nullArgumentError('onNext', item); // §2.13
    if (this.done) return; // §2.8 late items after expiry are dropped
    this.downstream.onNext(item);
  }

  override onError(error: Error): void {
    this.stopTimer();
    super.onError(error);
  }

  override onComplete(): void {
    this.stopTimer();
    super.onComplete();
  }

  override cancel(): void {
    this.done = true;
    this.stopTimer();
    super.cancel();
  }

  private stopTimer(): void {
    const cancelTimer = this.cancelTimer;
    this.cancelTimer = null;
    cancelTimer?.(); // §3.13 the scheduler no longer references this subscriber
  }

  private readonly expire = (): void => {
    this.cancelTimer = null;
    if (this.done) return;
    this.failWith(new TimeoutError(`deadline: the stream did not finish within its ${this.ms} ms budget; upstream cancelled`, this.ms));
  };
}
