import type { Flow, Operator } from '../Flow';
import { ForwardingSubscriber } from '../internal/ForwardingSubscriber';
import { lift } from '../internal/lift';
import { reportDroppedError, reportError } from '../internal/report';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

/** How a subscription ended, as passed to a `finalize` callback. */
export type FinalSignal = 'complete' | 'error' | 'cancel';

/**
 * Runs `callback` exactly once when the subscription ends: after `onComplete` or `onError` was delivered
 * downstream, or after upstream was cancelled (Reactor's `doFinally`, RxJS's `finalize`).
 *
 * ```
 * source:        -a-b-|
 * finalize(f):   -a-b-|f        (f also runs after X, or after a cancel)
 * ```
 *
 * **Demand**: passes requests through unchanged, one item out per item in.
 * **Errors**: upstream errors pass through, then `callback('error')` runs. A throwing `callback` cannot be signalled
 * (the stream is already over), so its error goes to `reportError` (never swallowed). An invalid `request(n)`
 * reaches the source, whose §3.9 error passes through here and runs the callback.
 * **Cancellation**: cancels upstream, then runs `callback('cancel')`. Later signals never run it again; the
 * callback is released once run (§3.13).
 *
 * @example
 * source.pipe(finalize((signal) => console.log('done:', signal)));
 */
export function finalize<T>(callback: (signal: FinalSignal) => void): Operator<T, T> {
  if (typeof callback !== 'function') throw new TypeError(`finalize: callback must be a function, got ${typeof callback}`);
  return (source: Publisher<T>): Flow<T> =>
    lift(source, (downstream: Subscriber<T>) => new FinalizeSubscriber(downstream, callback));
}

class FinalizeSubscriber<T> extends ForwardingSubscriber<T> {
  private callback: ((signal: FinalSignal) => void) | null;

  constructor(downstream: Subscriber<T>, callback: (signal: FinalSignal) => void) {
    super(downstream);
    this.callback = callback;
  }

  onNext(value: T): void {
    if (this.done) return; // §2.8
    this.downstream.onNext(value);
  }

  override onError(error: Error): void {
    const first = !this.done;
    try {
      super.onError(error);
    } finally {
      if (first) this.run('error');
    }
  }

  override onComplete(): void {
    const first = !this.done;
    try {
      super.onComplete();
    } finally {
      if (first) this.run('complete');
    }
  }

  override cancel(): void {
    // §3.7 after a terminal signal cancel is a no-op, also from inside downstream's onComplete/onError, where the
    // callback has not run yet: it runs next with 'complete'/'error', the signal that actually ended the stream.
    if (this.done) return;
    this.done = true;
    try {
      super.cancel();
    } finally {
      this.run('cancel');
    }
  }

  private run(signal: FinalSignal): void {
    const callback = this.callback;
    if (callback === null) return;
    this.callback = null; // exactly once; §3.13 released
    try {
      callback(signal);
    } catch (error) {
      // The stream is over: nowhere to signal it. After a cancel nobody listens any more: dropped, never thrown.
      if (signal === 'cancel') reportDroppedError(error);
      else reportError(error);
    }
  }
}
