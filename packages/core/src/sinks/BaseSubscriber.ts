import { addDemand, isValidRequest, UNBOUNDED } from '../internal/demand';
import { nullArgumentError, toError, withCode } from '../internal/errors';
import { reportDroppedError, reportError, reportLateError } from '../internal/report';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';

/** Why a BaseSubscriber ended, as passed to `hookFinally`. */
export type SignalType = 'complete' | 'error' | 'cancel';

/**
 * A rule-abiding Subscriber to extend with hooks (Reactor's `BaseSubscriber`): override only the hooks you need;
 * the class enforces the Subscriber rules around them.
 *
 * ```
 * upstream:         --1--2--3--|
 * hookOnSubscribe:  request(Infinity)      (the default)
 * hookOnNext:         1  2  3
 * hookOnComplete:                |
 * hookFinally:                   ('complete')
 * ```
 *
 * **Demand**: the default `hookOnSubscribe` requests unbounded; override it to request less and call
 * `this.request(n)` later (from any hook, reentrantly too). Requests made before the subscription arrives are kept and
 * forwarded when it does. **Errors**: a hook that throws cancels upstream and goes to `hookOnError` (with non-Errors
 * wrapped); `hookOnError`'s default reports the error (`reportError`), so nothing is swallowed. A throwing
 * `hookOnError`, `hookOnComplete`, `hookOnCancel` or `hookFinally` is reported: the stream has already ended. An error
 * arriving after cancel or termination is reported (§1.7). **Cancellation**: `cancel()` is idempotent, cancels
 * upstream, runs `hookOnCancel` then `hookFinally('cancel')`, and drops the upstream reference (§3.13).
 *
 * Exactly one of `hookOnComplete`, `hookOnError`, `hookOnCancel` runs, followed once by `hookFinally`.
 *
 * @example
 * class Batches extends BaseSubscriber<number> {
 *   protected override hookOnSubscribe(): void { this.request(10); }
 *   protected override hookOnNext(value: number): void { console.log(value); if (value % 10 === 9) this.request(10); }
 * }
 * range(0, 100).subscribe(new Batches());
 */
export abstract class BaseSubscriber<T> implements Subscriber<T> {
  private subscription: Subscription | null = null;
  private disposed = false;
  /** Ended by `cancel()`: errors arriving later are dropped (onErrorDropped), not reported. */
  private cancelledByUser = false;
  /** A hook threw, so this subscriber cancelled the upstream itself (§2.13 on our side). */
  private cancelledForHook = false;
  /** Demand asked for before the subscription arrived (0 = none). */
  private pendingDemand = 0;
  /** An invalid request made before the subscription arrived; forwarded so the publisher signals §3.9. */
  private pendingInvalid: unknown = undefined;

  /** True once cancelled or terminated: no more signals will reach the hooks. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.subscription !== null || this.disposed) {
      cancelSafely(subscription); // §2.5 a second subscription (or one arriving after cancel) is cancelled
      return;
    }
    this.subscription = subscription;
    try {
      this.hookOnSubscribe(subscription);
    } catch (error) {
      this.failFromHook(error);
      return;
    }
    this.flushPendingDemand();
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.disposed) return; // §2.8 items still in flight after cancel are dropped
    try {
      this.hookOnNext(value);
    } catch (error) {
      this.failFromHook(error);
    }
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.disposed) {
      // after a cancel (the user's, or ours for a hook that threw) nobody listens: dropped, never thrown (ADR 0012);
      // after the upstream's own terminal signal, §1.7: reported, never swallowed
      reportLateError(error, this.cancelledByUser || this.cancelledForHook);
      return;
    }
    this.disposed = true;
    this.subscription = null; // §2.4 the subscription counts as cancelled; §3.13 drop it
    this.endWithError(error);
  }

  onComplete(): void {
    if (this.disposed) return; // §1.7
    this.disposed = true;
    this.subscription = null; // §2.4, §3.13
    try {
      this.hookOnComplete();
    } catch (error) {
      reportError(error);
    }
    this.runFinally('complete');
  }

  /** Cancels upstream (idempotent, §3.7), then runs `hookOnCancel` and `hookFinally('cancel')`. */
  cancel(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.cancelledByUser = true;
    const subscription = this.subscription;
    this.subscription = null; // §3.13
    if (subscription !== null) cancelSafely(subscription);
    try {
      this.hookOnCancel();
    } catch (error) {
      reportDroppedError(error); // cleanup run by cancellation: nobody listens any more
    }
    this.runFinally('cancel');
  }

  /**
   * Asks upstream for `n` more items. A no-op once disposed (§2.3, §3.6). An invalid `n` is passed on, so the
   * publisher cancels and signals `onError(RangeError)` (§3.9) into `hookOnError`.
   */
  protected request(n: number): void {
    if (this.disposed) return; // §3.6
    const subscription = this.subscription;
    if (subscription === null) {
      if (isValidRequest(n)) this.pendingDemand = addDemand(this.pendingDemand, n);
      else if (this.pendingInvalid === undefined) this.pendingInvalid = n;
      return;
    }
    try {
      subscription.request(n);
    } catch (error) {
      this.failFromHook(withCode(new Error('§3.16: the upstream request(n) threw', { cause: error }), 'ERR_SLUICE_REQUEST_THREW'));
    }
  }

  /** Switches to unbounded demand (`request(Infinity)`, §3.17). */
  protected requestUnbounded(): void {
    this.request(UNBOUNDED);
  }

  /** Called once with the subscription. Default: request unbounded. */
  protected hookOnSubscribe(_subscription: Subscription): void {
    this.requestUnbounded();
  }

  /** Called per item. Default: nothing. */
  protected hookOnNext(_value: T): void {}

  /** Called once on completion. Default: nothing. */
  protected hookOnComplete(): void {}

  /** Called once on error (from upstream or from a throwing hook). Default: `reportError`, never swallowed. */
  protected hookOnError(error: Error): void {
    reportError(error);
  }

  /** Called once when `cancel()` ends the subscription. Default: nothing. */
  protected hookOnCancel(): void {}

  /** Called once after the terminal hook, whatever ended the subscription. Default: nothing. */
  protected hookFinally(_type: SignalType): void {}

  private flushPendingDemand(): void {
    if (this.pendingInvalid !== undefined) {
      const invalid = this.pendingInvalid;
      this.pendingInvalid = undefined;
      this.request(invalid as number);
    }
    if (this.pendingDemand > 0) {
      const demand = this.pendingDemand;
      this.pendingDemand = 0;
      this.request(demand);
    }
  }

  /** A hook threw: cancel upstream, then end through `hookOnError` (user code never rethrows into a publisher, §2.13). */
  private failFromHook(thrown: unknown): void {
    if (this.disposed) {
      reportError(thrown); // the hook cancelled first, then threw: nowhere left to deliver it
      return;
    }
    this.disposed = true;
    this.cancelledForHook = true;
    const subscription = this.subscription;
    this.subscription = null;
    if (subscription !== null) cancelSafely(subscription);
    this.endWithError(toError(thrown));
  }

  private endWithError(error: Error): void {
    try {
      this.hookOnError(error);
    } catch (thrown) {
      reportError(thrown);
    }
    this.runFinally('error');
  }

  private runFinally(type: SignalType): void {
    try {
      this.hookFinally(type);
    } catch (error) {
      if (type === 'cancel') reportDroppedError(error);
      else reportError(error);
    }
  }
}

function cancelSafely(subscription: Subscription): void {
  try {
    subscription.cancel();
  } catch (error) {
    reportError(error); // §3.15 cancel must return normally; a foreign one that throws is reported
  }
}
