import type { Flow, Operator } from '../Flow';
import { nullArgumentError } from '../internal/errors';
import type { EarlyEnd } from '../internal/ForwardingSubscriber';
import { lift, toFlow } from '../internal/lift';
import { reportLateError } from '../internal/report';
import { SideInputStage } from '../internal/SideSubscriber';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

/**
 * Emits the source's items until `notifier` emits its first item (or, for an `AbortSignal`, until it aborts), then
 * cancels the source and completes.
 *
 * ```
 * source:    1 2 3 4 5 6 |
 * notifier:        x
 * takeUntil: 1 2 3 |
 * ```
 *
 * **Demand**: the source's demand is the downstream's, passed through; the notifier is asked for one item. A
 * notifier that completes without an item changes nothing. A notifier (or an abort) that fires while an item is
 * being delivered takes effect as soon as that `onNext` returns, so signals stay serial (§1.3). An already
 * aborted signal completes right after subscription, before any item, and cancels the source. **Errors**: a
 * notifier error cancels the source and is signalled downstream; source errors cancel the notifier.
 * **Cancellation**: cancels both; the abort listener is removed (§3.13).
 *
 * @example
 * interval(1_000).pipe(takeUntil(shutdown.signal)); // ticks until shutdown.abort()
 */
export function takeUntil<T>(notifier: Publisher<unknown> | AbortSignal): Operator<T, T> {
  if (isAbortSignal(notifier)) {
    return (source: Publisher<T>): Flow<T> => lift(source, (downstream: Subscriber<T>) => new TakeUntilSubscriber(downstream, notifier));
  }
  const flow = toFlow(notifier as Publisher<unknown>); // throws TypeError for anything else, at assembly
  return (source: Publisher<T>): Flow<T> => lift(source, (downstream: Subscriber<T>) => new TakeUntilSubscriber(downstream, flow));
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return typeof AbortSignal !== 'undefined' && value instanceof AbortSignal;
}

class TakeUntilSubscriber<T> extends SideInputStage<T> {
  private notifier: Publisher<unknown> | AbortSignal | null;
  private onAbort: (() => void) | null = null;
  private delivering = false;
  /** The notifier fired during an onNext: complete (or fail) when it returns. */
  private pending: EarlyEnd | null = null;

  constructor(downstream: Subscriber<T>, notifier: Publisher<unknown> | AbortSignal) {
    super(downstream);
    this.notifier = notifier;
  }

  /**
   * Arms the notifier (abort listener or notifier subscription) before the downstream sees its subscription, so a
   * synchronous source that emits inside the downstream's first request is already watched. A notifier that fires
   * while being armed (an aborted signal, a synchronous notifier) ends the result right after onSubscribe (§1.9).
   */
  protected override arm(): EarlyEnd | null {
    this.delivering = true; // holds a stop until the downstream has its subscription
    const notifier = this.notifier!;
    if (isAbortSignal(notifier)) {
      if (notifier.aborted) this.pending = { error: null };
      else {
        this.onAbort = () => this.stop(null);
        notifier.addEventListener('abort', this.onAbort, { once: true });
      }
    } else {
      this.armSides([notifier], 1); // what it signals meanwhile is held in `pending` by stop()
    }
    this.delivering = false;
    const pending = this.pending;
    this.pending = null;
    if (pending !== null) this.releaseSides();
    return pending;
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return;
    this.delivering = true;
    this.downstream.onNext(value);
    this.delivering = false;
    const pending = this.pending;
    if (pending !== null && !this.done) {
      this.pending = null;
      this.stop(pending.error);
    }
  }

  /** @internal the notifier's first item stops the source. */
  sideNext(): void {
    this.stop(null);
  }

  /** @internal a notifier error fails the result, deferred like a stop while an item is being delivered. */
  override sideError(_index: number, error: Error): void {
    this.stop(error);
  }

  /** Ends the source: completes (`error` null) or fails downstream. Deferred while an item is being delivered. */
  stop(error: Error | null): void {
    if (this.done) {
      if (error !== null) reportLateError(error, true); // every end released (cancelled) the notifier: ADR 0012
      return;
    }
    if (this.delivering) {
      this.pending ??= { error };
      return;
    }
    this.done = true;
    this.releaseSides();
    if (this.upstream !== null) this.cancelUpstream();
    if (error === null) this.downstream.onComplete();
    else this.downstream.onError(error);
  }

  /** Also removes the abort listener and lets go of the notifier (§3.13). */
  protected override releaseSides(): void {
    super.releaseSides();
    const notifier = this.notifier;
    this.notifier = null;
    if (this.onAbort !== null && notifier !== null && isAbortSignal(notifier)) {
      notifier.removeEventListener('abort', this.onAbort);
    }
    this.onAbort = null;
  }
}
