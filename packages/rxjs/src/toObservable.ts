import { DEFAULT_OBSERVABLE_PREFETCH, requirePositiveBound, subscribeObserver, toFlow, type Publisher } from '@sluice/core';
import { Observable } from 'rxjs';

export interface ToObservableOptions {
  /** Items requested ahead of the observer (default 256); 75% of it is re-requested as items are pushed. */
  prefetch?: number;
}

/** Marks Observables made by `toObservable`, so `backpressure()` can pull their Flow directly. */
const SLUICE_SOURCE = Symbol.for('@sluice/rxjs:source');

/**
 * Turns a Flow (any Reactive Streams Publisher) into a cold RxJS Observable with a bounded prefetch. An observer
 * cannot signal demand, so each subscription requests `prefetch` items and another 75% of it
 * (`prefetch - prefetch/4`) every time that many were pushed: at most `prefetch` items are outstanding.
 *
 * ```
 * flow:        request(4) 1 2 3 request(3) 4 5 6 request(3) 7 |
 * observable:             1 2 3            4 5 6            7 |
 * ```
 *
 * `from(flow)` works too (Flow implements `Symbol.observable`) with the default prefetch of 256; use
 * `toObservable` to choose the prefetch or to let `backpressure()` pull the Flow directly.
 *
 * **Demand**: `prefetch`, then 75% batches; `prefetch: Infinity` requests unbounded. **Errors**: `onError` becomes
 * `error`. **Cancellation**: `unsubscribe()` cancels the Flow's subscription, also from inside a synchronous burst
 * (`take(3)` downstream stops the source after the third item).
 *
 * @example
 * toObservable(range(1, 1_000_000), { prefetch: 64 }).pipe(take(3)).subscribe(console.log); // 1 2 3
 */
export function toObservable<T>(flow: Publisher<T>, options: ToObservableOptions = {}): Observable<T> {
  if (flow == null || typeof (flow as Publisher<T>).subscribe !== 'function') {
    throw new TypeError(`toObservable: expected a Publisher, got ${String(flow)}`);
  }
  if (options === null || typeof options !== 'object') throw new TypeError('toObservable: options must be an object');
  const prefetch = requirePositiveBound('toObservable: prefetch', options.prefetch ?? DEFAULT_OBSERVABLE_PREFETCH, true);
  const source = toFlow(flow); // a foreign Publisher is wrapped in core's strict boundary adapter
  const observable = new Observable<T>((subscriber) => {
    const handle = subscribeObserver(source, subscriber, { prefetch });
    return () => handle.unsubscribe();
  });
  Object.defineProperty(observable, SLUICE_SOURCE, { value: flow });
  return observable;
}

/** The Flow behind an Observable made by `toObservable`, or null for any other Observable. */
export function sluiceSourceOf<T>(observable: unknown): Publisher<T> | null {
  if (observable === null || typeof observable !== 'object') return null;
  return ((observable as Record<symbol, unknown>)[SLUICE_SOURCE] as Publisher<T> | undefined) ?? null;
}
