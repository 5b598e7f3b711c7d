import type { Duplex } from 'node:stream';
import type { Inspectable, Processor } from '@sluice/core';
import { FlowDuplex, type DuplexBridgeOptions } from './internal/FlowDuplex';

export type ToDuplexOptions = DuplexBridgeOptions;

/**
 * A Node `Duplex` around a Reactive Streams `Processor`: written chunks are published to the processor (against its
 * demand), and what the processor publishes is readable (against the readable buffer's room).
 *
 * ```
 * write:     a b c (end)
 * processor: ─ a' b' c' |
 * read:      a' b' c' (end)
 * ```
 *
 * **Demand**: as `toTransform`: the write callback waits for the processor's demand; the readable side requests
 * only what its buffer can take. The processor is subscribed on the first read.
 *
 * **Errors**: the processor's `onError` destroys the Duplex with that error; destroying the Duplex cancels the
 * processor's subscriptions on both sides.
 *
 * **Cancellation**: if the processor cancels its input early, further writes are accepted and discarded.
 *
 * @example
 * await pipeline(socket, toDuplex(new FramingProcessor()), sink);
 */
export function toDuplex<I, O>(processor: Processor<I, O>, options: ToDuplexOptions = {}): Duplex & Inspectable {
  if (processor == null || typeof processor.subscribe !== 'function' || typeof processor.onNext !== 'function') {
    throw new TypeError(`toDuplex: expected a Processor (a Subscriber and a Publisher), got ${String(processor)}`);
  }
  return new FlowDuplex<I, O>(
    'toDuplex',
    (input) => {
      input.subscribe(processor);
      return processor;
    },
    options,
  );
}
