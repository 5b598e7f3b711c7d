import { Readable } from 'node:stream';
import { toFlow, type Inspectable, type Publisher, type StageSnapshot } from '@sluice/core';
import { ReadableBridge } from './internal/ReadableBridge';
import { abortReason, requireNonNegativeInteger, requireSignal } from './internal/errors';

export interface ToReadableOptions {
  /** Node's buffer bound: objects in object mode (default 16), bytes otherwise (default 16 KiB on Node 20). */
  highWaterMark?: number;
  /** Object mode (default `true`); use `false` for flows of Buffers/strings feeding byte-oriented streams. */
  objectMode?: boolean;
  /** Aborting destroys the Readable with the signal's reason and cancels the flow. */
  signal?: AbortSignal;
}

/**
 * A Node `Readable` fed by a flow: `_read` requests what the Readable's buffer can take.
 *
 * ```
 * flow:      a b c d |
 * _read:     request(hwm - readableLength) … push() false → no more requests until the next _read
 * readable:  a b c d (end)
 * ```
 *
 * **Demand**: nothing is subscribed before the first `_read` (the first `read()`, `pipe`, `'data'` or `for await`).
 * Object mode requests `highWaterMark - readableLength`; byte mode one item per `_read`; a `push()` that returns false
 * stops requesting. Buffered: at most `highWaterMark` plus one item.
 *
 * **Errors**: a flow error destroys the Readable with that error (`'error'`, then `'close'`).
 *
 * **Cancellation**: `destroy()` (by the consumer, `pipeline`, or `signal`) cancels the flow. The signal holds the
 * Readable only weakly, so one abandoned with unread data can be collected; an abort before `'end'` destroys it.
 *
 * @example
 * stream.pipeline(toReadable(range(0, 1e6).pipe(map(String)), { objectMode: false }), process.stdout, done);
 */
export function toReadable<T>(flow: Publisher<T>, options: ToReadableOptions = {}): Readable & Inspectable {
  const source = toFlow(flow);
  const signal = requireSignal('toReadable', options.signal);
  if (options.highWaterMark !== undefined) requireNonNegativeInteger('toReadable', 'highWaterMark', options.highWaterMark);
  return new FlowReadable<T>(source, options.objectMode ?? true, options.highWaterMark, signal);
}

/** Built outside the class so that the closure's scope holds the WeakRef alone, never the Readable. */
function weakAbortListener(target: WeakRef<{ onAbort(): void }>): () => void {
  return () => target.deref()?.onAbort();
}

class FlowReadable<T> extends Readable implements Inspectable {
  private source: Publisher<T> | null;
  private readonly bridge: ReadableBridge<T>;
  private signal: AbortSignal | undefined;
  /**
   * The signal's listener holds this Readable only weakly (issue 13, as `toAsyncIterable`): one abandoned with unread
   * data is not kept alive by a long-lived signal, while an abort before the Readable ended still destroys it.
   */
  private readonly abortListener: () => void;

  constructor(source: Publisher<T>, objectMode: boolean, highWaterMark: number | undefined, signal: AbortSignal | undefined) {
    super(highWaterMark === undefined ? { objectMode } : { objectMode, highWaterMark });
    this.source = source;
    this.bridge = new ReadableBridge<T>(this);
    this.signal = signal;
    this.abortListener = weakAbortListener(new WeakRef<{ onAbort(): void }>(this));
    if (signal !== undefined) {
      if (signal.aborted) this.onAbort();
      else {
        signal.addEventListener('abort', this.abortListener, { once: true });
        this.once('end', () => this.releaseSignal());
      }
    }
  }

  override _read(): void {
    const source = this.source;
    if (source !== null) {
      this.source = null; // lazily subscribed on the first _read: an unread Readable costs the flow nothing
      source.subscribe(this.bridge);
    }
    this.bridge.pull();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.source = null;
    this.releaseSignal();
    this.bridge.cancel();
    callback(error);
  }

  /** @internal the signal's listener (weakAbortListener) calls it */
  onAbort(): void {
    if (!this.destroyed) this.destroy(abortReason(this.signal!));
  }

  private releaseSignal(): void {
    this.signal?.removeEventListener('abort', this.abortListener);
    this.signal = undefined;
  }

  inspect(): StageSnapshot {
    return {
      stage: 'toReadable',
      capacity: this.readableHighWaterMark,
      buffered: this.readableLength,
      requested: 0,
      upstreamRequested: this.bridge.requested,
      received: this.bridge.pushed,
      emitted: this.bridge.pushed,
      dropped: 0,
      terminated: this.readableEnded || this.destroyed,
      cancelled: this.destroyed && !this.readableEnded,
    };
  }
}
