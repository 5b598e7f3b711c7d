import type { Flow, Operator } from '../Flow';
import { requirePositiveBound } from '../internal/demand';
import { lift } from '../internal/lift';
import { SingleInnerSubscriber } from '../internal/SingleInnerSubscriber';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

export interface ExhaustMapOptions {
  /** Demand given to the running inner, and the bound of its queue; replenished at 75%. Default 32. */
  prefetch?: number;
}

/**
 * Projects an item to a publisher and emits its items; outer items that arrive while that inner is still live are
 * ignored.
 *
 * ```
 * source:                  a--b-----c----|
 * exhaustMap(x => x1 x2):  a1---a2--c1-c2|
 * ```
 *
 * **Demand**: the outer is requested one item at a time, and the next one as soon as an item arrived, whether it
 * started an inner or was dropped. So the outer runs at its own pace (the operator's point is to ignore items while
 * busy), yet memory stays bounded: no outer item is ever queued, ignored ones are only counted (`dropped` in
 * `inspect()`), and the one inner's items wait in a queue of `prefetch`, replenished at 75% as they are emitted.
 * An inner is live until it completed and its queued items were emitted. Downstream never gets more than it
 * requested. **Errors**: the project function throwing or returning a non-Publisher, an outer error or an inner
 * error cancels everything and signals `onError` at once. **Cancellation**: cancels the outer and the inner.
 *
 * @example
 * clicks.pipe(exhaustMap(() => save())); // clicks during a save are ignored
 */
export function exhaustMap<T, R>(project: (value: T, index: number, signal: AbortSignal) => Publisher<R>, options: ExhaustMapOptions = {}): Operator<T, R> {
  if (typeof project !== 'function') throw new TypeError(`exhaustMap: project must be a function, got ${typeof project}`);
  const prefetch = requirePositiveBound('exhaustMap: prefetch', options.prefetch ?? 32);
  const settings = { name: 'exhaustMap', mode: 'exhaust', prefetch } as const;
  return (source: Publisher<T>): Flow<R> =>
    lift(source, (downstream: Subscriber<R>) => new SingleInnerSubscriber<T, R>(downstream, project, settings));
}
