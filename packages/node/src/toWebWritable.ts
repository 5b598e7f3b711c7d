import { nullArgumentError } from '@sluice/core/engine';
import { reportDroppedError, reportError, type Subscriber, type Subscription } from '@sluice/core';
import { abortReason, requirePositiveInteger, requireSignal, toError } from './internal/errors';

export interface ToWebWritableOptions {
  /** The most items requested ahead of the writer, whatever `desiredSize` says (default 16). */
  prefetch?: number;
  /** Leave the stream open when the flow completes (default `false`: `writer.close()`). */
  preventClose?: boolean;
  /** Aborting cancels the flow, aborts the stream with the signal's reason and rejects `finished`. */
  signal?: AbortSignal;
}

/** A Subscriber that writes into a WHATWG WritableStream; `finished` settles once, when the transfer is over. */
export interface WebWritableSink<T> extends Subscriber<T> {
  /** Resolves after `writer.close()` resolved; rejects once on any failure. Pre-handled: await it to observe errors. */
  readonly finished: Promise<void>;
}

/**
 * A sink that writes each item into a WHATWG `WritableStream`, honouring `writer.desiredSize` and `writer.ready`.
 *
 * ```
 * flow:         a b c |
 * desiredSize:  2 1 0 (ready) 1
 * request:      2.      (wait ready) 1.   → close() → finished
 * ```
 *
 * **Demand**: requests `min(prefetch, desiredSize)` minus what is already requested; at `desiredSize ≤ 0` it waits for
 * `writer.ready` before asking again, so (with a count strategy) the stream's queue never exceeds its high-water mark.
 *
 * **Errors**: a flow error aborts the stream with it and rejects `finished`; a failed write or an errored stream
 * cancels the flow and rejects `finished`.
 *
 * **Cancellation**: `signal` cancels the flow and aborts the stream.
 *
 * @example
 * const sink = toWebWritable(new WritableStream({ write: (chunk) => upload(chunk) }));
 * flow.subscribe(sink);
 * await sink.finished;
 */
export function toWebWritable<T>(stream: WritableStream<T>, options: ToWebWritableOptions = {}): WebWritableSink<T> {
  if (stream == null || typeof (stream as WritableStream<T>).getWriter !== 'function') {
    throw new TypeError(`toWebWritable: expected a WritableStream, got ${String(stream)}`);
  }
  const prefetch = options.prefetch === undefined ? 16 : requirePositiveInteger('toWebWritable', 'prefetch', options.prefetch);
  const signal = requireSignal('toWebWritable', options.signal);
  return new WebWritableSubscriber<T>(stream, prefetch, options.preventClose ?? false, signal);
}

type State = 'idle' | 'active' | 'ending' | 'done';

class WebWritableSubscriber<T> implements WebWritableSink<T> {
  readonly finished: Promise<void>;
  private stream: WritableStream<T> | null;
  private writer: WritableStreamDefaultWriter<T> | null = null;
  private upstream: Subscription | null = null;
  private state: State = 'idle';
  private outstanding = 0;
  private waitingForReady = false;
  /** This sink cancelled the flow (stream error, abort, a locked stream), rather than the flow ending by itself. */
  private cancelledUpstream = false;
  private signal: AbortSignal | undefined;
  private resolve!: () => void;
  private reject!: (error: Error) => void;
  private readonly onAbort = (): void => {
    const reason = abortReason(this.signal!);
    this.writer?.abort(reason).catch(() => {}); // abort before the lock is released; its rejection is `reason`
    this.fail(reason, true);
  };
  private readonly onStreamError = (error: unknown): void => this.fail(toError(error), true);

  constructor(
    stream: WritableStream<T>,
    private readonly prefetch: number,
    private readonly preventClose: boolean,
    signal: AbortSignal | undefined,
  ) {
    this.stream = stream;
    this.signal = signal;
    this.finished = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.finished.catch(() => {});
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.state !== 'idle') {
      subscription.cancel(); // §2.5
      return;
    }
    this.upstream = subscription;
    this.state = 'active';
    try {
      this.writer = this.stream!.getWriter();
    } catch (error) {
      return this.fail(toError(error), true); // locked by someone else
    }
    this.stream = null;
    if (this.signal?.aborted) return this.onAbort();
    this.signal?.addEventListener('abort', this.onAbort);
    this.writer.closed.catch(this.onStreamError);
    this.replenish();
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.state !== 'active') return; // §2.8
    this.outstanding--;
    this.writer!.write(value).catch(this.onStreamError);
    this.replenish();
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.state !== 'active' && this.state !== 'idle') {
      // after we cancelled the flow (the stream failed, the signal aborted) nobody listens: dropped (ADR 0012);
      // after the upstream's own terminal signal, §1.7: reported
      if (this.cancelledUpstream) reportDroppedError(error);
      else reportError(error);
      return;
    }
    this.upstream = null;
    this.writer?.abort(error).catch(() => {});
    this.fail(error, false);
  }

  onComplete(): void {
    if (this.state !== 'active') return; // §1.7
    this.upstream = null;
    this.state = 'ending';
    if (this.preventClose) {
      this.writer!.ready.then(() => this.succeed(), this.onStreamError);
    } else {
      this.writer!.close().then(() => this.succeed(), this.onStreamError);
    }
  }

  private replenish(): void {
    if (this.state !== 'active' || this.waitingForReady) return;
    const writer = this.writer!;
    const desired = writer.desiredSize;
    if (desired === null) return; // errored: `closed` rejects and fails us
    if (desired <= 0) {
      this.waitingForReady = true; // the queue is at its high-water mark: ask again when it has room
      writer.ready.then(() => {
        this.waitingForReady = false;
        this.replenish();
      }, this.onStreamError);
      return;
    }
    const n = Math.min(this.prefetch, desired) - this.outstanding;
    if (n <= 0) return;
    this.outstanding += n;
    this.upstream!.request(n);
  }

  private succeed(): void {
    if (this.state === 'done') return;
    this.state = 'done';
    this.release();
    this.resolve();
  }

  private fail(error: Error, cancelUpstream: boolean): void {
    if (this.state === 'done') return;
    const upstream = this.upstream;
    this.state = 'done';
    this.upstream = null;
    this.release();
    if (cancelUpstream) {
      this.cancelledUpstream = true;
      upstream?.cancel();
    }
    this.reject(error);
  }

  private release(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
    this.signal = undefined;
    const writer = this.writer;
    this.writer = null;
    this.stream = null;
    if (writer !== null) {
      try {
        writer.releaseLock();
      } catch {
        // already released
      }
    }
  }
}
