import { nullArgumentError } from '@sluice/core/engine';
import { toFlow, type Publisher, type Subscriber, type Subscription } from '@sluice/core';
import { abortReason, requireSignal } from './internal/errors';

export interface ToWebReadableOptions {
  /** Aborting errors the stream with the signal's reason and cancels the flow. */
  signal?: AbortSignal;
}

/**
 * A WHATWG `ReadableStream` fed by a flow: `pull(controller)` requests `desiredSize`.
 *
 * ```
 * flow:         a b c |
 * pull():       request(desiredSize - outstanding)
 * stream queue: ≤ highWaterMark, then close()
 * ```
 *
 * **Demand**: with a count strategy (the default, `{ highWaterMark: 1 }`) it requests `desiredSize` minus what is
 * already requested, so the queue never exceeds the high-water mark; with a `size()` strategy (e.g.
 * `ByteLengthQueuingStrategy`) item sizes are unknown in advance, so it requests one item at a time while
 * `desiredSize > 0`. `enqueue` is never called beyond what was requested.
 *
 * **Errors**: a flow error errors the stream (`controller.error`).
 *
 * **Cancellation**: `stream.cancel()` / `reader.cancel()` (also by `pipeTo` with an aborted signal) cancels the flow;
 * `options.signal` errors the stream and cancels the flow.
 *
 * @example
 * // a Response body takes bytes: encode strings first (a string chunk fails with "Received non-Uint8Array chunk")
 * const encoder = new TextEncoder();
 * const response = new Response(toWebReadable(range(0, 100).pipe(map((n) => encoder.encode(`${n}\n`)))));
 */
export function toWebReadable<T>(
  flow: Publisher<T>,
  strategy?: QueuingStrategy<T>,
  options: ToWebReadableOptions = {},
): ReadableStream<T> {
  const source = toFlow(flow);
  const signal = requireSignal('toWebReadable', options.signal);
  const countStrategy = strategy?.size === undefined || strategy instanceof CountQueuingStrategy;
  const bridge = new WebReadableBridge<T>(countStrategy, signal);
  return new ReadableStream<T>(
    {
      start(controller) {
        bridge.controller = controller;
        if (signal?.aborted) return bridge.abort();
        source.subscribe(bridge);
      },
      pull() {
        bridge.pull();
      },
      cancel() {
        bridge.cancel();
      },
    },
    strategy ?? { highWaterMark: 1 },
  );
}

class WebReadableBridge<T> implements Subscriber<T> {
  controller: ReadableStreamDefaultController<T> | null = null;
  private upstream: Subscription | null = null;
  private outstanding = 0;
  private done = false;
  private pullPending = false;
  private signal: AbortSignal | undefined;
  private readonly onAbort = (): void => this.abort();

  constructor(
    private readonly countStrategy: boolean,
    signal: AbortSignal | undefined,
  ) {
    this.signal = signal;
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.upstream !== null || this.done) {
      subscription.cancel(); // §2.5
      return;
    }
    this.upstream = subscription;
    if (this.pullPending) this.pull();
  }

  pull(): void {
    this.pullPending = true;
    const upstream = this.upstream;
    const controller = this.controller;
    if (upstream === null || controller === null || this.done) return;
    // The stream pulls while desiredSize > 0 or while a reader waits (with a high-water mark of 0, desiredSize is 0
    // then), so a pull always wants at least one item.
    const wanted = Math.max(controller.desiredSize ?? 0, 1);
    const n = this.countStrategy ? wanted - this.outstanding : this.outstanding === 0 ? 1 : 0; // sizes unknown: one at a time
    if (n <= 0) return;
    this.outstanding += n;
    upstream.request(n);
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return; // §2.8
    this.outstanding--;
    this.controller!.enqueue(value); // the stream calls pull() again while desiredSize > 0
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.done) return; // §1.7 (the stream was cancelled or aborted; nobody is left to tell)
    this.finish();
    this.controller!.error(error);
  }

  onComplete(): void {
    if (this.done) return; // §1.7
    this.finish();
    this.controller!.close();
  }

  cancel(): void {
    if (this.done) return;
    const upstream = this.upstream;
    this.finish();
    upstream?.cancel();
  }

  abort(): void {
    if (this.done) return;
    const reason = abortReason(this.signal!);
    this.cancel();
    this.controller?.error(reason);
  }

  private finish(): void {
    this.done = true;
    this.upstream = null;
    this.signal?.removeEventListener('abort', this.onAbort);
  }
}
