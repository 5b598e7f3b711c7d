import { Flow, type Operator } from '../Flow';
import { isValidRequest } from '../internal/demand';
import { invalidRequestError, nullArgumentError } from '../internal/errors';
import { toFlow } from '../internal/lift';
import { reportError } from '../internal/report';
import { SubscriptionArbiter } from '../internal/SubscriptionArbiter';
import { TerminalSubscription } from '../internal/TerminalSubscription';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';

/**
 * Subscribes to the source again each time it completes, `count` times in all (default: forever).
 *
 * ```
 * source:      -a-b-|
 * repeat(3):   -a-b--a-b--a-b-|
 * ```
 *
 * `count` is the total number of subscriptions, as in RxJS: `repeat(1)` is the source itself, `repeat(0)` completes
 * at once without subscribing.
 *
 * **Demand**: one downstream demand spans every repetition: requests go to the current subscription, and each new
 * subscription is asked for exactly what is still outstanding (requested minus delivered), never more; requests
 * made between two subscriptions are kept. A source that completes synchronously inside `subscribe` is resubscribed
 * from a loop, not recursively, so a million empty repetitions use constant stack (§3.3).
 * **Errors**: a source error ends the whole stream (use `retry` to resubscribe on errors). An invalid `request(n)`
 * cancels the current subscription and signals `onError(RangeError)` (§3.9).
 * **Cancellation**: cancels the current subscription; no further subscription is made (§3.13 the source and
 * the downstream are released).
 *
 * @example
 * of(1, 2).pipe(repeat(3)); // 1, 2, 1, 2, 1, 2
 */
export function repeat<T>(count: number = Infinity): Operator<T, T> {
  if (typeof count !== 'number' || !(count >= 0) || (count !== Infinity && !Number.isInteger(count))) {
    throw new RangeError(`repeat: count must be a non-negative integer or Infinity, got ${String(count)}`);
  }
  return (source: Publisher<T>): Flow<T> => {
    const flow = toFlow(source);
    return new Flow<T>((downstream: Subscriber<T>) => {
      if (count === 0) return TerminalSubscription.terminate(downstream, null);
      const subscriber = new RepeatSubscriber<T>(downstream, flow, count);
      downstream.onSubscribe(subscriber); // §1.9
      subscriber.subscribeNext();
    });
  };
}

class RepeatSubscriber<T> implements Subscriber<T>, Subscription {
  private downstream: Subscriber<T> | null;
  private source: Flow<T> | null;
  private remaining: number;
  private readonly arbiter = new SubscriptionArbiter();
  /** True while a subscription is live (between its onSubscribe and its terminal signal). */
  private active = false;
  private done = false;
  /** Trampoline counter: a synchronous completion inside subscribe only bumps it (§3.3 no recursion). */
  private wip = 0;

  constructor(downstream: Subscriber<T>, source: Flow<T>, count: number) {
    this.downstream = downstream;
    this.source = source;
    this.remaining = count;
  }

  subscribeNext(): void {
    if (this.wip++ !== 0) return;
    let missed = 1;
    for (;;) {
      const source = this.source;
      if (this.done || source === null) return;
      source.subscribe(this);
      missed = this.wip -= missed;
      if (missed === 0) return;
    }
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.active || this.done) {
      subscription.cancel(); // §2.5 a second live subscription (or one after the end) is cancelled
      return;
    }
    this.active = true;
    this.arbiter.setSubscription(subscription); // asks for exactly the outstanding demand
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return; // §2.8
    this.arbiter.produced(1);
    this.downstream!.onNext(value);
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.done) {
      reportError(error); // §1.7 never swallowed
      return;
    }
    this.terminate()?.onError(error);
  }

  onComplete(): void {
    if (this.done || !this.active) return; // §1.7
    this.active = false;
    this.arbiter.clearSubscription();
    if (--this.remaining <= 0) {
      this.terminate()?.onComplete();
      return;
    }
    this.subscribeNext();
  }

  request(n: number): void {
    if (this.done) return; // §3.6
    if (!isValidRequest(n)) {
      this.arbiter.cancel(); // §3.9 cancel, then signal; never forwarded
      this.terminate()?.onError(invalidRequestError(n));
      return;
    }
    this.arbiter.request(n);
  }

  cancel(): void {
    if (this.done) return; // §3.7
    this.arbiter.cancel(); // first, while the current subscription is still known
    this.terminate();
  }

  private terminate(): Subscriber<T> | null {
    this.done = true;
    const downstream = this.downstream;
    this.downstream = null; // §3.13
    this.source = null;
    this.arbiter.clearSubscription();
    return downstream;
  }
}
