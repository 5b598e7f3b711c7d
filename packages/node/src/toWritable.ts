import { nullArgumentError } from '@sluice/core/engine';
import type { Writable } from 'node:stream';
import { replenishAt, reportDroppedError, reportError, type Inspectable, type StageSnapshot, type Subscriber, type Subscription } from '@sluice/core';
import { destroyWatched } from './internal/destroy';
import { abortReason, prematureCloseError, requirePositiveInteger, requireSignal, toError } from './internal/errors';

export interface ToWritableOptions {
  /**
   * How many items may be requested ahead of the writable (default 8). The writable's own buffer never holds more
   * than its `writableHighWaterMark` plus `prefetch` items: items already requested when `write()` returns false are
   * still written, nothing more is requested until `'drain'`.
   */
  prefetch?: number;
  /**
   * Call `writable.end()` when the flow completes and resolve on `'finish'` (default `true`). With `false` the
   * writable stays open and `finished` resolves once every write's callback ran (rejects if one failed).
   */
  end?: boolean;
  /** Aborting cancels the flow, destroys the writable and rejects `finished` with the signal's reason. */
  signal?: AbortSignal;
}

/** A Subscriber that writes into a Node Writable; `finished` settles once, when the transfer is over. */
export interface WritableSink<T> extends Subscriber<T>, Inspectable {
  /**
   * Resolves when the flow completed and the writable finished; rejects (exactly once) with the flow's error, the
   * writable's error, a premature-close error or the abort reason. Marked as handled: await it to observe errors.
   */
  readonly finished: Promise<void>;
}

/**
 * A sink that writes each item into a Node `Writable`, honouring `write()`'s backpressure signal.
 *
 * ```
 * flow:      a  b  c  d |
 * write():   t  t  F        ('drain')   t  → end() → 'finish' → finished resolves
 * request:  8.       (none while draining)  2.
 * ```
 *
 * **Demand**: requests `prefetch` items up front and tops up (75% rule) while `write()` returns true; after a false
 * it requests nothing until `'drain'`, so the writable buffers at most `writableHighWaterMark` + `prefetch` items.
 *
 * **Errors**: a flow error destroys the writable (without an `'error'` event) and rejects `finished` with it; a
 * writable `'error'`, a `'close'` before `'finish'` or a `'finish'` we did not cause cancels the flow and rejects.
 * A `write()` that throws (an object into a byte-mode stream) cancels the flow, destroys the writable with that
 * error and rejects `finished` with it. Listeners this sink added are removed when it settles; when it destroys the
 * writable it keeps an `'error'` listener until `'close'`, so an error emitted while destroying goes to
 * `onErrorDropped` instead of becoming an uncaught exception.
 *
 * **Cancellation**: `signal` aborts the transfer: the flow is cancelled and the writable destroyed.
 *
 * @example
 * const sink = toWritable(fs.createWriteStream('out.txt'));
 * range(0, 1000).pipe(map((n) => `${n}\n`)).subscribe(sink);
 * await sink.finished;
 */
export function toWritable<T>(writable: Writable, options: ToWritableOptions = {}): WritableSink<T> {
  if (writable == null || typeof writable.write !== 'function' || typeof writable.on !== 'function') {
    throw new TypeError(`toWritable: expected a Node Writable, got ${String(writable)}`);
  }
  const prefetch = options.prefetch === undefined ? 8 : requirePositiveInteger('toWritable', 'prefetch', options.prefetch);
  const signal = requireSignal('toWritable', options.signal);
  return new WritableSubscriber<T>(writable, prefetch, options.end ?? true, signal);
}

type State = 'idle' | 'active' | 'ending' | 'done';

class WritableSubscriber<T> implements WritableSink<T> {
  readonly finished: Promise<void>;
  private writable: Writable | null;
  private upstream: Subscription | null = null;
  private readonly prefetch: number;
  /** Consumed items after which demand is topped up (Reactor's 75% rule). */
  private readonly limit: number;
  private readonly end: boolean;
  private signal: AbortSignal | undefined;
  private state: State = 'idle';
  private cancelledUpstream = false;
  /** Requested from upstream and not yet received. */
  private outstanding = 0;
  private waitingForDrain = false;
  private written = 0;
  /** Writes whose callback has not run yet: with `end: false`, `finished` waits for them (a write can still fail). */
  private unflushed = 0;
  private resolve!: () => void;
  private reject!: (error: Error) => void;

  private readonly onDrain = (): void => {
    this.waitingForDrain = false;
    if (this.state === 'ending') {
      if (!this.end) this.settleUnended(); // end: false: settled once every write went through; else 'finish' decides
      return;
    }
    this.replenish(1);
  };
  /** A write's callback. Errors are left to the 'error'/'close' listeners, which carry the same error. */
  private readonly onWritten = (error?: Error | null): void => {
    this.unflushed--;
    if (error == null && this.state === 'ending' && !this.end) this.settleUnended();
  };
  private readonly onWritableError = (error: Error): void => this.fail(error, true);
  private readonly onClose = (): void => {
    this.fail(this.writable?.errored ?? prematureCloseError('toWritable', 'writable'), true);
  };
  private readonly onFinish = (): void => {
    if (this.state === 'ending') this.succeed();
    else this.fail(new Error('toWritable: the writable was ended by someone else before the flow completed'), true);
  };
  private readonly onAbort = (): void => {
    const writable = this.writable;
    this.fail(abortReason(this.signal!), true);
    if (writable !== null) destroyWatched(writable);
  };

  constructor(writable: Writable, prefetch: number, end: boolean, signal: AbortSignal | undefined) {
    this.writable = writable;
    this.prefetch = prefetch;
    this.limit = replenishAt(prefetch); // the one exact 75% helper (no 32-bit shift)
    this.end = end;
    this.signal = signal;
    this.finished = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.finished.catch(() => {}); // the subscriber API cannot rethrow; errors surface through `finished` only
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.state !== 'idle') {
      subscription.cancel(); // §2.5 one subscription at a time; a second (or one after termination) is cancelled
      return;
    }
    this.upstream = subscription;
    this.state = 'active';
    const writable = this.writable!;
    if (this.signal?.aborted) return this.onAbort();
    if (writable.destroyed || writable.writableEnded) {
      return this.fail(writable.errored ?? prematureCloseError('toWritable', 'writable'), true);
    }
    writable.on('drain', this.onDrain);
    writable.on('error', this.onWritableError);
    writable.on('close', this.onClose);
    writable.on('finish', this.onFinish);
    this.signal?.addEventListener('abort', this.onAbort);
    if (writable.writableNeedDrain) this.waitingForDrain = true;
    else this.replenish(1);
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.state !== 'active') return; // §2.8 items still in flight after cancel are dropped
    const writable = this.writable!;
    if (writable.writableEnded) {
      // Someone else ended it; writing would only raise ERR_STREAM_WRITE_AFTER_END on a stream we no longer watch.
      return this.fail(new Error('toWritable: the writable was ended by someone else before the flow completed'), true);
    }
    this.outstanding--;
    this.written++;
    this.unflushed++;
    let accepted: boolean;
    try {
      accepted = writable.write(value, this.onWritten);
    } catch (thrown) {
      // A write() that throws (a number into a byte-mode stream: ERR_INVALID_ARG_TYPE) never calls back: the flow
      // fails with that error, upstream is cancelled, the writable is destroyed with it, `finished` rejects.
      this.unflushed--;
      const error = toError(thrown);
      this.fail(error, true);
      destroyWatched(writable, error);
      return;
    }
    if (!accepted) {
      this.waitingForDrain = true; // Node's backpressure signal: no new demand until 'drain'
      return;
    }
    this.replenish(this.limit);
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.state !== 'active' && this.state !== 'idle') {
      // after the sink cancelled the flow (a failed write, an abort, the writable's end) nobody listens: dropped (ADR
      // 0012); after the upstream's own terminal signal, §1.7: reported, never swallowed
      if (this.cancelledUpstream) reportDroppedError(error);
      else reportError(error);
      return;
    }
    this.upstream = null; // §2.4 the subscription is over
    const writable = this.writable;
    this.fail(error, false);
    // No error argument: the writable's listeners see 'close', the error surfaces in `finished`.
    if (writable !== null) destroyWatched(writable);
  }

  onComplete(): void {
    if (this.state !== 'active') return; // §1.7
    this.upstream = null;
    this.state = 'ending';
    const writable = this.writable!;
    if (this.end) writable.end(); // 'finish' resolves
    // end: false: settle once every write went through (now, or from the last write's callback); a write that failed
    // synchronously has already errored the writable although its 'error' event is still to come.
    else this.settleUnended();
  }

  /** Tops demand up to `prefetch` once at least `threshold` items were consumed, unless the writable is full. */
  private replenish(threshold: number): void {
    if (this.state !== 'active' || this.waitingForDrain) return;
    const n = this.prefetch - this.outstanding;
    if (n < threshold) return;
    this.outstanding += n;
    this.upstream!.request(n);
  }

  /**
   * `end: false` after the flow completed: resolves once every write's callback ran, unless the writable failed.
   * Node may report a write after a failed one as successful (a synchronous write error is processed on the next
   * tick while buffered writes go on), so success is checked against the writable's own state, not only callbacks.
   */
  private settleUnended(): void {
    const writable = this.writable;
    if (writable !== null && (writable.errored || writable.destroyed)) {
      this.fail(writable.errored ?? prematureCloseError('toWritable', 'writable'), false);
    } else if (this.unflushed === 0) {
      this.succeed();
    }
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
    if (cancelUpstream && upstream !== null) {
      this.cancelledUpstream = true;
      upstream.cancel();
    }
    this.reject(error);
  }

  private release(): void {
    const writable = this.writable;
    if (writable !== null) {
      writable.off('drain', this.onDrain);
      writable.off('error', this.onWritableError);
      writable.off('close', this.onClose);
      writable.off('finish', this.onFinish);
    }
    this.signal?.removeEventListener('abort', this.onAbort);
    this.signal = undefined;
  }

  inspect(): StageSnapshot {
    const writable = this.writable;
    return {
      stage: 'toWritable',
      capacity: writable?.writableHighWaterMark ?? 0,
      buffered: writable?.writableLength ?? 0,
      requested: 0,
      upstreamRequested: this.outstanding,
      received: this.written,
      emitted: this.written,
      dropped: 0,
      terminated: this.state === 'done',
      cancelled: this.cancelledUpstream,
    };
  }
}
