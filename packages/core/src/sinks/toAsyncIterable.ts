import { toFlow } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';
import { iterateFlow, type FlowAsyncIterable, type ToAsyncIterableOptions } from './AsyncIteratorSubscriber';

export type { FlowAsyncIterable, FlowAsyncIterator, ToAsyncIterableOptions } from './AsyncIteratorSubscriber';

/**
 * Adapts a Flow to `for await`: the loop body is the consumer, and it paces the source through a bounded buffer.
 *
 * ```
 * source:   -1-2-3-4-5-|        (prefetch 4)
 * request:  4       3
 * for await:  1  2  3  4  5 (done)
 * ```
 *
 * **Demand**: subscribes on the first `next()` and requests `prefetch`; after 75% of it was consumed requests that
 * many again, so at most `prefetch` items are ever buffered (a RingBuffer; see `inspect().buffered`).
 * **Errors**: an upstream error rejects the pending `next()`, after the items buffered before it were consumed; then
 * the iterator is done. **Cancellation**: `break`, `return` or a throw in the loop body call `return()`, which cancels
 * upstream and drops the buffer; aborting `signal` does the same and rejects the pending `next()` with `signal.reason`.
 *
 * `for await (const x of flow)` works directly: `Flow[Symbol.asyncIterator]` calls this with the default prefetch.
 *
 * @example
 * for await (const line of toAsyncIterable(lines, { prefetch: 64 })) {
 *   await write(line);
 * }
 */
export function toAsyncIterable<T>(source: Publisher<T>, options?: ToAsyncIterableOptions): FlowAsyncIterable<T> {
  return iterateFlow(toFlow(source), options); // toFlow first: a non-Publisher is named before the options are read
}
