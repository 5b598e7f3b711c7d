import { replenishAt, requirePositiveBound } from '../internal/demand';
import { overDeliveryError } from '../internal/errors';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import { RingBuffer } from '../internal/RingBuffer';
import type { Publisher } from '../spec/Publisher';
import { BaseSubscriber } from './BaseSubscriber';
import { DEFAULT_SINK_PREFETCH, requireAbortSignal, requireOptions, type SinkOptions } from './sinkOptions';

// The iterator behind `toAsyncIterable` and `Flow[Symbol.asyncIterator]`. It lives apart from `toAsyncIterable`
// (which wraps a foreign Publisher with `lift`'s `toFlow`) so that Flow.ts can import it without importing the Flow
// class back (ADR 0014, decision 9): nothing this module imports reaches Flow.ts.

/** Options of `toAsyncIterable`. */
export interface ToAsyncIterableOptions extends SinkOptions {
  /** How many items may be buffered ahead of the consumer (default 256); also the first request. */
  prefetch?: number;
}

/** The iterator of `toAsyncIterable`: an async iterator whose buffer can be inspected. */
export interface FlowAsyncIterator<T> extends AsyncIterableIterator<T>, Inspectable {}

/** What `toAsyncIterable` returns: each `[Symbol.asyncIterator]()` call is a fresh subscription (flows are cold). */
export interface FlowAsyncIterable<T> extends AsyncIterable<T> {
  [Symbol.asyncIterator](): FlowAsyncIterator<T>;
}

/**
 * The async iterable of `toAsyncIterable` over a source that needs no adapter (a sluice Flow, or what `toFlow`
 * returned): validates the options, then each `[Symbol.asyncIterator]()` call is a fresh subscription.
 */
export function iterateFlow<T>(flow: Publisher<T>, options: ToAsyncIterableOptions | undefined): FlowAsyncIterable<T> {
  const opts = requireOptions('toAsyncIterable', options);
  const prefetch = opts.prefetch === undefined ? DEFAULT_SINK_PREFETCH : requirePositiveBound('toAsyncIterable: prefetch', opts.prefetch);
  const signal = requireAbortSignal('toAsyncIterable', opts.signal);
  return {
    [Symbol.asyncIterator]: () => new AsyncIteratorSubscriber<T>(flow, prefetch, signal),
  };
}

interface PendingNext<T> {
  resolve(result: IteratorResult<T, undefined>): void;
  reject(reason: unknown): void;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

class AsyncIteratorSubscriber<T> extends BaseSubscriber<T> implements FlowAsyncIterator<T> {
  private source: Publisher<T> | null;
  private readonly prefetch: number;
  private readonly limit: number;
  private readonly queue: RingBuffer<T>;
  private signal: AbortSignal | undefined;
  private readonly onAbort: () => void;
  private pending: PendingNext<T> | null = null;
  private pendingPromise: Promise<IteratorResult<T, undefined>> | null = null;
  /** Items handed to the consumer since the last replenishing request. */
  private consumed = 0;
  private received = 0;
  private emitted = 0;
  private upstreamDone = false;
  private failure: { reason: unknown } | null = null;
  /** True once the consumer saw the end (done or a rejection) or called `return()`. */
  private closed = false;

  constructor(source: Publisher<T>, prefetch: number, signal: AbortSignal | undefined) {
    super();
    this.source = source;
    this.prefetch = prefetch;
    this.limit = replenishAt(prefetch);
    this.queue = new RingBuffer<T>(prefetch);
    this.signal = signal;
    this.onAbort = () => this.abort();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.pendingPromise !== null) {
      const after = () => this.next(); // overlapping next() calls are served in order
      return this.pendingPromise.then(after, after);
    }
    if (this.closed) return Promise.resolve(DONE);
    if (this.source !== null) this.subscribeOnce(this.source);
    // Once the upstream ended, the 'abort' listener is gone (it would keep an abandoned iterator and its buffer alive
    // for as long as the signal lives); an abort since then is seen here, with the same outcome the listener gives.
    if (this.upstreamDone && this.signal?.aborted === true) this.abort();
    const value = this.queue.poll();
    if (value !== undefined) {
      this.handedOut();
      return Promise.resolve({ done: false, value });
    }
    if (this.upstreamDone) return this.finish();
    const promise = new Promise<IteratorResult<T, undefined>>((resolve, reject) => {
      this.pending = { resolve, reject };
    });
    this.pendingPromise = promise;
    return promise;
  }

  /** `break`/`return`/a throw in the loop body: cancel upstream and drop the buffer. */
  return(): Promise<IteratorResult<T, undefined>> {
    this.close();
    this.cancel();
    this.takePending()?.resolve(DONE);
    return Promise.resolve(DONE);
  }

  inspect(): StageSnapshot {
    return {
      stage: 'toAsyncIterable',
      capacity: this.prefetch,
      buffered: this.queue.size,
      requested: this.pending === null ? 0 : 1,
      upstreamRequested: this.upstreamDone || this.isDisposed ? 0 : this.prefetch - this.consumed - this.queue.size,
      received: this.received,
      emitted: this.emitted,
      dropped: 0,
      terminated: this.upstreamDone,
      cancelled: this.closed && !this.upstreamDone,
    };
  }

  protected override hookOnSubscribe(): void {
    this.request(this.prefetch);
  }

  protected override hookOnNext(value: T): void {
    this.received++;
    const pending = this.takePending();
    if (pending !== null) {
      this.handedOut();
      pending.resolve({ done: false, value });
    } else if (!this.queue.offer(value)) {
      throw overDeliveryError('toAsyncIterable', 0); // §1.1 never more than prefetch outstanding
    }
  }

  protected override hookOnComplete(): void {
    this.upstreamDone = true;
    this.releaseAbortListener();
    this.endPending();
  }

  protected override hookOnError(error: Error): void {
    this.upstreamDone = true;
    this.releaseAbortListener();
    this.failure = { reason: error };
    this.endPending();
  }

  private subscribeOnce(source: Publisher<T>): void {
    this.source = null;
    const signal = this.signal;
    if (signal !== undefined) {
      if (signal.aborted) return this.abort();
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
    source.subscribe(this);
  }

  /**
   * The stream is over: the signal no longer holds this iterator (issue 13 item 8). `signal` itself is kept, so
   * `next()` still turns an abort into its rejection while buffered items remain.
   */
  private releaseAbortListener(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
  }

  private abort(): void {
    const reason = this.signal?.reason;
    this.releaseAbortListener();
    this.cancel();
    this.queue.clear();
    this.upstreamDone = true;
    this.failure = { reason };
    this.endPending();
  }

  /** The consumer reached the end: close, then a rejection for a failure (once), `done` from then on. */
  private finish(): Promise<IteratorResult<T, undefined>> {
    const failure = this.failure;
    this.close();
    return failure === null ? Promise.resolve(DONE) : Promise.reject(failure.reason);
  }

  /** Settles a waiting `next()` with the end. */
  private endPending(): void {
    const pending = this.takePending();
    if (pending === null) return;
    const failure = this.failure;
    this.close();
    if (failure === null) pending.resolve(DONE);
    else pending.reject(failure.reason);
  }

  private handedOut(): void {
    this.emitted++;
    if (this.upstreamDone) return;
    if (++this.consumed === this.limit) {
      this.consumed = 0;
      this.request(this.limit); // replenish at 75%: outstanding + buffered stays ≤ prefetch
    }
  }

  private takePending(): PendingNext<T> | null {
    const pending = this.pending;
    this.pending = null;
    this.pendingPromise = null;
    return pending;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.source = null;
    this.failure = null;
    this.queue.clear();
    this.signal?.removeEventListener('abort', this.onAbort);
    this.signal = undefined;
  }
}
