import { addDemand, replenishAt, requirePositiveBound } from '../internal/demand';
import { nullArgumentError, toError } from '../internal/errors';
import { reportError, reportLateError } from '../internal/report';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';

/**
 * The push-side consumer that the Observable interop speaks to: RxJS's `Subscriber`, a TC39/WICG-style observer, or
 * a plain object. Every method is optional; `closed`, when present and true, means "stop now" (RxJS sets it when a
 * downstream `take` is satisfied during a synchronous burst).
 */
export interface InteropObserver<T> {
  next?(value: T): void;
  error?(error: unknown): void;
  complete?(): void;
  readonly closed?: boolean;
}

/** What `subscribeObserver` returns: the Observable side's handle (`unsubscribe` cancels upstream). */
export interface InteropSubscription {
  unsubscribe(): void;
  readonly closed: boolean;
}

export interface SubscribeObserverOptions {
  /** How many items to request ahead of the observer (default 256); 75% of it is re-requested as it is consumed. */
  prefetch?: number;
}

/** The default prefetch of every Flow → Observable bridge (Reactor's SMALL_BUFFER_SIZE). */
export const DEFAULT_OBSERVABLE_PREFETCH = 256;

/**
 * Subscribes a push observer to a Publisher with a bounded prefetch: the observer cannot signal demand, so the
 * bridge requests `prefetch` items up front and another `replenishAt(prefetch)` (75%) each time that many have been
 * pushed. At most `prefetch` items are ever outstanding, whatever the source.
 *
 * ```
 * source (sluice):  request(4) ─ 1 2 3 ─ request(3) ─ 4 5 6 ─ request(3) …
 * observer:                       1 2 3               4 5 6
 * ```
 *
 * **Demand**: `prefetch` first, then `prefetch - prefetch/4` per `prefetch - prefetch/4` items pushed.
 * **Errors**: `onError` is passed to `observer.error`; an observer method that throws cancels the subscription and
 * the error is reported (never rethrown into the publisher, §2.13). **Cancellation**: `unsubscribe()` cancels
 * upstream; so does an observer whose `closed` turns true while items are being pushed.
 *
 * @example
 * const handle = subscribeObserver(range(1, 3), { next: console.log }, { prefetch: 16 });
 * handle.unsubscribe();
 */
export function subscribeObserver<T>(
  publisher: Publisher<T>,
  observer: InteropObserver<T> | ((value: T) => void),
  options: SubscribeObserverOptions = {},
): InteropSubscription {
  const prefetch = requirePositiveBound('subscribeObserver: prefetch', options.prefetch ?? DEFAULT_OBSERVABLE_PREFETCH, true);
  const target: InteropObserver<T> = typeof observer === 'function' ? { next: observer } : observer;
  if (target == null || typeof target !== 'object') {
    throw new TypeError(`subscribeObserver: observer must be an object or a function, got ${String(observer)}`);
  }
  const subscriber = new ObserverSubscriber<T>(target, prefetch);
  publisher.subscribe(subscriber);
  return subscriber;
}

class ObserverSubscriber<T> implements Subscriber<T>, InteropSubscription {
  private observer: InteropObserver<T> | null;
  private upstream: Subscription | null = null;
  private readonly prefetch: number;
  private readonly limit: number;
  /** Items pushed since the last replenishing request. */
  private consumed = 0;
  /** Items requested upstream and not yet received (for inspection and the §1.1 check). */
  private outstanding = 0;
  closed = false;
  /** Ended by `unsubscribe()` (or a throwing observer), not by the upstream's own terminal signal. */
  private unsubscribed = false;

  constructor(observer: InteropObserver<T>, prefetch: number) {
    this.observer = observer;
    this.prefetch = prefetch;
    this.limit = replenishAt(prefetch);
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.upstream !== null || this.closed) {
      subscription.cancel(); // §2.5 one subscription at a time; after unsubscribe, none
      return;
    }
    this.upstream = subscription;
    this.outstanding = this.prefetch;
    subscription.request(this.prefetch); // §2.1 the bound is the whole of our demand
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    const observer = this.observer;
    if (observer === null) return; // §2.8 items in flight after unsubscribe are dropped
    if (this.outstanding !== Infinity) this.outstanding--;
    try {
      observer.next?.(value);
    } catch (error) {
      this.abandon(error);
      return;
    }
    if (observer.closed === true) {
      this.unsubscribe(); // the observer stopped itself mid-burst (RxJS `take`): stop the source now
      return;
    }
    if (this.limit !== Infinity && ++this.consumed === this.limit) {
      this.consumed = 0;
      this.outstanding = addDemand(this.outstanding, this.limit);
      this.upstream!.request(this.limit); // the 75% replenish rule
    }
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    const observer = this.terminate();
    if (observer === null) {
      reportLateError(error, this.unsubscribed); // after unsubscribe: dropped (ADR 0012); after the end, §1.7
      return;
    }
    try {
      observer.error ? observer.error(error) : reportError(error);
    } catch (thrown) {
      reportError(thrown);
    }
  }

  onComplete(): void {
    const observer = this.terminate();
    if (observer === null) return;
    try {
      observer.complete?.();
    } catch (thrown) {
      reportError(thrown);
    }
  }

  unsubscribe(): void {
    if (this.closed) return;
    const upstream = this.upstream;
    this.unsubscribed = true;
    this.terminate();
    upstream?.cancel(); // §3.13 the subscription is released with the observer
  }

  /** @internal for inspection in tests */
  get pending(): number {
    return this.outstanding;
  }

  private abandon(thrown: unknown): void {
    this.unsubscribe(); // §2.13 an observer that throws is treated as cancelled
    reportError(toError(thrown));
  }

  private terminate(): InteropObserver<T> | null {
    const observer = this.observer;
    this.observer = null; // §3.13
    this.upstream = null;
    this.closed = true;
    return observer;
  }
}

/** The key RxJS `from()` (and other interop-aware libraries) look up: `Symbol.observable` when it exists, else '@@observable'. */
export const observableKey: symbol | '@@observable' =
  (typeof Symbol === 'function' && (Symbol as unknown as { observable?: symbol }).observable) || '@@observable';

/** The minimal interop object returned by `Flow[Symbol.observable]()`: an Observable-like with bounded prefetch. */
export interface InteropObservable<T> {
  subscribe(observer: InteropObserver<T> | ((value: T) => void)): InteropSubscription;
}

/** Builds the interop object for a Publisher (used by Flow's `Symbol.observable` / '@@observable' method). */
export function toInteropObservable<T>(publisher: Publisher<T>): InteropObservable<T> {
  const interop = {
    subscribe: (observer: InteropObserver<T> | ((value: T) => void)) => subscribeObserver(publisher, observer),
    [observableKey]() {
      return interop;
    },
  } as InteropObservable<T>;
  if (observableKey !== '@@observable') (interop as any)['@@observable'] = () => interop;
  return interop;
}
