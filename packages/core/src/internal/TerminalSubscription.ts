import type { Subscriber } from '../spec/Subscriber';
import { DrainSubscription } from './DrainSubscription';

/**
 * The subscription of a source that terminates before emitting anything: `empty()`, `fail(e)`, `defer` whose
 * factory threw, a rejected assembly in `from`. It signals `onSubscribe` first (§1.9), then the terminal signal
 * without waiting for demand (§1.2, §1.4), unless the subscriber cancelled or made an invalid request from inside
 * `onSubscribe` (that request's §3.9 error wins, since it came first).
 */
export class TerminalSubscription extends DrainSubscription<never> {
  private error: Error | null;

  constructor(downstream: Subscriber<never>, error: Error | null) {
    super(downstream);
    this.error = error;
  }

  protected emitSome(): void {
    const error = this.error;
    this.error = null; // §3.13 the error may reference user state
    if (error === null) this.complete();
    else this.fail(error);
  }

  protected override dispose(): void {
    this.error = null;
  }

  /** Subscribes `subscriber` and terminates it at once: with `onError(error)`, or `onComplete` when `error` is null. */
  static terminate(subscriber: Subscriber<never>, error: Error | null): void {
    const subscription = new TerminalSubscription(subscriber, error);
    subscriber.onSubscribe(subscription); // §1.9 onSubscribe always comes first
    subscription.drain();
  }
}
