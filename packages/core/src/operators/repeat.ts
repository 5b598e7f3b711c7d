import { Flow, type Operator } from '../Flow';
import { toFlow } from '../internal/lift';
import { ResubscribingSubscriber } from '../internal/ResubscribingSubscriber';
import { TerminalSubscription } from '../internal/TerminalSubscription';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

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

class RepeatSubscriber<T> extends ResubscribingSubscriber<T> {
  private remaining: number;

  constructor(downstream: Subscriber<T>, source: Flow<T>, count: number) {
    super(downstream, source);
    this.remaining = count;
  }

  protected upstreamFailed(error: Error): void {
    this.terminate()?.onError(error);
  }

  protected upstreamCompleted(): void {
    if (--this.remaining <= 0) {
      this.terminate()?.onComplete();
      return;
    }
    this.subscribeNext();
  }
}
