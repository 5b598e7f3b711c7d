import type { Writable } from 'node:stream';
import { toFlow, type Publisher } from '@sluice/core';
import { toWritable, type ToWritableOptions } from './toWritable';

/**
 * Subscribes a `toWritable` sink to `flow` and returns its `finished` promise: the Node counterpart of
 * `stream.pipeline(readable, writable)` for a sluice flow.
 *
 * ```
 * flow:     a b c |
 * writable: a b c (end) 'finish' → resolved
 * ```
 *
 * **Demand**, **Errors**, **Cancellation**: exactly those of `toWritable` (prefetch-bounded, stops while
 * `write()` is false; rejects once on any failure; `signal` aborts). Unlike `toWritable(...).finished`, the returned
 * promise is not pre-handled: an unawaited failure surfaces as an unhandled rejection.
 *
 * @example
 * await pipeTo(fromReadable(req).pipe(map(transform)), res, { signal: AbortSignal.timeout(30_000) });
 */
export function pipeTo<T>(flow: Publisher<T>, writable: Writable, options: ToWritableOptions = {}): Promise<void> {
  const source = toFlow(flow);
  const sink = toWritable<T>(writable, options);
  source.subscribe(sink);
  return sink.finished.then(() => undefined);
}
