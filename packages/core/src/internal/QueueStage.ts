import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { DrainSubscription } from './DrainSubscription';
import { nullArgumentError } from './errors';
import { reportLateError } from './report';

/**
 * The one queue stage: a DrainSubscription that is also the Subscriber of exactly one upstream (observeOn, the
 * onBackpressure* family, takeLast, ...). It implements the four Subscriber methods once, with the rules enforced
 * here and nowhere else:
 * - `onSubscribe`: §2.13 (null), §2.5 (a second subscription, or one after the end, is cancelled); it hands itself
 *   to the downstream, then calls `onUpstream` unless the downstream cancelled meanwhile;
 * - `onNext`: §2.13, then §2.8 (items after the end of intake or after cancel are dropped), then `accept`;
 * - `onError`/`onComplete`: §2.13, §1.7 (a second terminal signal is ignored; a second error is reported, never
 *   swallowed), then the upstream is released (§3.13) and `wake()` runs.
 *
 * A stage writes only `accept(item)` (how an item enters), `emitSome` (how it drains) and, if it buffers, calls
 * `terminateWhenDone(isEmpty)` from its drain: Reactor's checkTerminated.
 */
export abstract class QueueStage<T, R> extends DrainSubscription<R> implements Subscriber<T> {
  protected upstream: Subscription | null = null;
  /** Intake is over: the upstream terminated, or the stage stopped it (`stopIntake`). */
  protected done = false;
  /** The error to deliver once the buffer is empty. */
  protected error: Error | null = null;
  /** The stage cancelled a live upstream (`stopIntake`, `dispose`): a later error is dropped, not reported (ADR 0012). */
  private upstreamCancelled = false;

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.upstream !== null || this.done || this.cancelled) {
      subscription.cancel(); // §2.5 a second subscription (or one after the end or after cancel) is cancelled
      return;
    }
    this.upstream = subscription;
    this.downstream!.onSubscribe(this);
    if (!this.cancelled) this.onUpstream(subscription);
  }

  onNext(item: T): void {
    if (item == null) throw nullArgumentError('onNext', item); // §2.13
    if (this.done || this.cancelled) return; // §2.8 items in flight after cancel or after intake stopped are dropped
    this.receivedItems++;
    this.accept(item);
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    // after our cancel (also the downstream's, which used to swallow it) dropped; after the upstream's end §1.7 reported
    if (this.done || this.cancelled) return reportLateError(error, this.upstreamCancelled);
    this.done = true;
    this.upstream = null; // §3.13 the upstream is over
    this.error = error;
    this.onUpstreamError(error);
    this.wake();
  }

  onComplete(): void {
    if (this.done) return; // §1.7
    this.done = true;
    this.upstream = null; // §3.13
    this.onUpstreamComplete();
    this.wake();
  }

  /** Runs once the downstream has its subscription and has not cancelled: first request, first timer. */
  protected onUpstream(_subscription: Subscription): void {}

  /** Takes one item in (already counted; §2.13/§2.8 checked). Usually queues it and calls `wake()`. */
  protected abstract accept(item: T): void;

  /** An upstream error arrived (before `wake()`); a stage that does not delay errors clears its buffer here. */
  protected onUpstreamError(_error: Error): void {}

  /** The upstream completed (before `wake()`): a time stage cancels its timer or flushes here. */
  protected onUpstreamComplete(): void {}

  /** Makes the stage run its drain: `drain()` here; a stage on a scheduler schedules a tick instead. */
  protected wake(): void {
    this.drain();
  }

  /** Ends intake now and cancels the upstream; what is buffered is still delivered, then `error`. */
  protected stopIntake(error: Error): void {
    this.done = true;
    this.error = error;
    const upstream = this.upstream;
    this.upstream = null; // §3.13
    if (upstream !== null) this.upstreamCancelled = true;
    upstream?.cancel();
  }

  /** Terminates when intake is over and the buffer is empty; true if it did (the drain must return). */
  protected terminateWhenDone(isEmpty: boolean): boolean {
    if (!this.done || !isEmpty) return false;
    if (this.error !== null) this.fail(this.error);
    else this.complete();
    return true;
  }

  /** Cancels a live upstream (§3.13 released). A stage that overrides `dispose` calls `super.dispose()`. */
  protected override dispose(): void {
    const upstream = this.upstream;
    this.upstream = null;
    if (upstream !== null) this.upstreamCancelled = true;
    upstream?.cancel();
  }
}
