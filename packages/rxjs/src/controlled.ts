import type { Flow } from '@sluice/core';
import type { ObservableInput } from 'rxjs';
import { observableFlow, type FromObservableOptions } from './fromObservable';

/**
 * RxJS 4's `controlled()` with a bound: the Observable pushes into a buffer of `capacity` items and only the
 * subscription's `request(n)` lets items out, `n` at a time. Meant for hot sources you sample on your own schedule
 * (UI events, sockets, sensor feeds): when the consumer falls behind, the oldest waiting items make room for new
 * ones ('drop-oldest' by default), so a slow consumer always resumes with the most recent `capacity` items.
 *
 * ```
 * obs$ (hot):   1 2 3 4 5 6
 * capacity 3:               request(2) → 4 5     (1, 2, 3 dropped; dropped counter 3)
 * ```
 *
 * How it differs from `fromObservable`: the engine is the same; the defaults and the intent differ.
 * `fromObservable` defaults to overflow 'error' (a data source that outruns its consumer is a bug to surface);
 * `controlled` defaults to 'drop-oldest' (a live feed sampled by manual demand, where staleness is the problem and
 * losing old items is expected). Both take `overflow` and `onDrop` to override.
 *
 * **Demand**: exactly `request(n)`; nothing is ever requested on your behalf. **Errors**: as `fromObservable`:
 * error/completion after the buffered items. **Cancellation**: unsubscribes the Observable.
 *
 * @example
 * const clicks = controlled(fromEvent(button, 'click'), { capacity: 10 });
 * clicks.subscribe({ onSubscribe: (s) => { sub = s; }, onNext: handle, onError, onComplete });
 * sub.request(1); // take one click when ready
 */
export function controlled<T>(source: ObservableInput<T>, options: FromObservableOptions<T> = {}): Flow<T> {
  return observableFlow('controlled', source, options, 'drop-oldest');
}
