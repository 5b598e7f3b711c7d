import type { Flow, Operator } from '../Flow';
import { nullArgumentError, toError } from '../internal/errors';
import { ForwardingSubscriber, type EarlyEnd } from '../internal/ForwardingSubscriber';
import { lift } from '../internal/lift';
import { reportDroppedError, reportError } from '../internal/report';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

/** Side-effect callbacks for `tap`, each called just before the signal is passed on. All optional. */
export interface TapObserver<T> {
  next?: (value: T) => void;
  error?: (error: Error) => void;
  complete?: () => void;
  /** Called when upstream's subscription arrives, before downstream's `onSubscribe`. */
  subscribe?: () => void;
  /** Called with each downstream `request(n)`, raw, before it is forwarded. */
  request?: (n: number) => void;
  /** Called when downstream cancels, before upstream is cancelled. */
  cancel?: () => void;
}

const CALLBACKS = ['next', 'error', 'complete', 'subscribe', 'request', 'cancel'] as const;

/**
 * Runs side effects on the signals passing through, without changing them. `tap(fn)` is `tap({ next: fn })`.
 *
 * ```
 * source:          1 2 3 |
 * tap(console.log): 1 2 3 |   (logs 1, 2, 3)
 * ```
 *
 * **Demand**: passes downstream requests upstream unchanged. **Errors**: a throwing callback fails the stream like
 * a throwing mapper. `next` or `request` throwing cancels upstream and signals the thrown error downstream
 * (`request` itself never throws, §3.16). `subscribe` throwing cancels upstream, still calls downstream's
 * `onSubscribe` (§1.9), then signals the error; no request is forwarded. `complete` throwing signals `onError`
 * instead of `onComplete`. `error` throwing signals the callback's error instead of the upstream one (which the
 * callback received). **Cancellation**: calls `cancel`, then cancels upstream and drops the callbacks; an error
 * thrown by `cancel` cannot be signalled after cancellation and goes to the error reporter.
 *
 * @example
 * range(1, 3).pipe(tap({ next: (x) => console.log('saw', x), complete: () => console.log('done') }));
 */
export function tap<T>(observerOrNext: TapObserver<T> | ((value: T) => void)): Operator<T, T> {
  const observer: TapObserver<T> =
    typeof observerOrNext === 'function' ? { next: observerOrNext } : validateObserver(observerOrNext);
  return (source: Publisher<T>): Flow<T> => lift(source, (downstream: Subscriber<T>) => new TapSubscriber(downstream, observer));
}

function validateObserver<T>(observer: TapObserver<T>): TapObserver<T> {
  if (observer === null || typeof observer !== 'object') {
    throw new TypeError(`tap: expected a function or an object of callbacks, got ${String(observer)}`);
  }
  const copy: Record<string, unknown> = {};
  for (const key of CALLBACKS) {
    const callback = observer[key];
    if (callback === undefined) continue;
    if (typeof callback !== 'function') throw new TypeError(`tap: ${key} must be a function, got ${typeof callback}`);
    copy[key] = callback;
  }
  return copy as TapObserver<T>;
}

class TapSubscriber<T> extends ForwardingSubscriber<T> {
  private observer: TapObserver<T>;

  constructor(downstream: Subscriber<T>, observer: TapObserver<T>) {
    super(downstream);
    this.observer = observer;
  }

  /** Runs the `subscribe` callback; if it throws, the stage fails before the downstream can request (§1.9). */
  protected override arm(): EarlyEnd | null {
    if (this.observer.subscribe === undefined) return null;
    try {
      this.observer.subscribe();
      return null;
    } catch (error) {
      return { error: toError(error) };
    }
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return;
    if (this.observer.next !== undefined) {
      try {
        this.observer.next(value);
      } catch (error) {
        return this.failWith(error);
      }
    }
    this.downstream.onNext(value);
  }

  override onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    let delivered = error;
    if (!this.done && this.observer.error !== undefined) {
      try {
        this.observer.error(error);
      } catch (thrown) {
        delivered = toError(thrown);
      }
    }
    super.onError(delivered);
  }

  override onComplete(): void {
    if (!this.done && this.observer.complete !== undefined) {
      try {
        this.observer.complete();
      } catch (thrown) {
        this.done = true; // upstream already completed: nothing to cancel
        this.downstream.onError(toError(thrown));
        return;
      }
    }
    super.onComplete();
  }

  override request(n: number): void {
    if (this.done) return; // §3.6
    if (this.observer.request !== undefined) {
      try {
        this.observer.request(n);
      } catch (error) {
        return this.failWith(error); // §3.16 request never throws: the callback's error goes downstream
      }
    }
    super.request(n);
  }

  override cancel(): void {
    const onCancel = this.done ? undefined : this.observer.cancel;
    this.done = true;
    this.observer = {}; // §3.13 release the callbacks
    if (onCancel !== undefined) {
      try {
        onCancel();
      } catch (error) {
        reportDroppedError(error); // cannot be signalled after cancel: dropped, never thrown
      }
    }
    super.cancel();
  }
}
