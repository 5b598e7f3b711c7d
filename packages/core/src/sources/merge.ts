import type { ElementOf, Flow } from '../Flow';
import { arraySource } from '../internal/arraySource';
import { FlatMapSubscriber } from '../internal/FlatMapSubscriber';
import { lift, toFlows } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

const PREFETCH = 32;

/**
 * Subscribes to every publisher at once and emits their items as they arrive.
 *
 * ```
 * a:        1---2---3|
 * b:        --x---y|
 * merge:    1-x-2-y-3|
 * ```
 *
 * **Demand**: each source gets 32 up front, replenished in batches at 75%; its items wait in a bounded queue of 32
 * and the downstream receives, round-robin over the sources, no more than it requested. **Errors**: the first
 * error from any source cancels the others and is signalled at once (queued items are discarded).
 * **Cancellation**: cancels every source. Completes when all sources have completed and their items were emitted.
 *
 * @example
 * merge(range(1, 2), range(10, 2)); // 1, 2, 10, 11 for synchronous sources
 */
export function merge<T = never>(...publishers: Publisher<T>[]): Flow<T>;
/** Sources of different element types: the result emits the union (`merge(range(0, 2), of('x'))` is `Flow<number | string>`). */
export function merge<P extends readonly Publisher<any>[]>(...publishers: P): Flow<ElementOf<P[number]>>;
export function merge<T>(...publishers: Publisher<T>[]): Flow<T> {
  const flows = toFlows('merge', publishers);
  const concurrency = Math.max(flows.length, 1);
  const settings = { name: 'merge', concurrency, outerPrefetch: concurrency, prefetch: PREFETCH };
  return lift(arraySource(flows, 'merge'), (downstream: Subscriber<T>) => new FlatMapSubscriber<Flow<T>, T>(downstream, identity, settings));
}

function identity<T>(flow: Flow<T>): Flow<T> {
  return flow;
}
