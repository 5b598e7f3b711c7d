import { DrainSubscription, Flow, reportDroppedError, type Subscriber } from '@sluice/core';
import { toError } from './internal/errors';

export interface FromWebReadableOptions {
  /** On cancel, release the reader's lock instead of cancelling the stream (default `false`). */
  preventCancel?: boolean;
}

/**
 * A Flow over a WHATWG `ReadableStream` that calls `reader.read()` only against demand, one read at a time.
 *
 * ```
 * stream:   a b c |
 * request:  1.    2.
 * read():   ^     ^ ^ ^
 * flow:     a     b c |
 * ```
 *
 * **Demand**: one `read()` in flight at most, and only while `requested > 0`; the stream's own queue (bounded by its
 * strategy) is the only buffer besides one received item.
 *
 * **Errors**: the stream erroring (seen through `reader.closed`, without waiting for demand) → `onError`; a
 * `null`/`undefined` chunk → `onError(TypeError)` (§2.13). A locked stream fails at subscribe. An empty stream
 * completes without demand.
 *
 * **Cancellation**: `reader.cancel()` (or just `releaseLock()` with `preventCancel`). On completion or error the
 * lock is released.
 *
 * @example
 * const response = await fetch(url);
 * await pipeTo(fromWebReadable(response.body!), fs.createWriteStream('page.html'));
 */
export function fromWebReadable<T>(stream: ReadableStream<T>, options: FromWebReadableOptions = {}): Flow<T> {
  if (stream == null || typeof (stream as ReadableStream<T>).getReader !== 'function') {
    throw new TypeError(`fromWebReadable: expected a ReadableStream, got ${String(stream)}`);
  }
  const preventCancel = options.preventCancel ?? false;
  return new Flow<T>((subscriber) => {
    let reader: ReadableStreamDefaultReader<T>;
    try {
      reader = stream.getReader();
    } catch (error) {
      subscriber.onSubscribe({ request() {}, cancel() {} }); // §1.9 then reject the subscriber
      subscriber.onError(toError(error));
      return;
    }
    const subscription = new WebReaderSubscription<T>(subscriber, reader, preventCancel);
    subscriber.onSubscribe(subscription);
    subscription.watchClosed();
  });
}

class WebReaderSubscription<T> extends DrainSubscription<T> {
  private reader: ReadableStreamDefaultReader<T> | null;
  private readonly preventCancel: boolean;
  private reading = false;
  private item: T | null = null;
  private ended = false;
  private error: Error | null = null;

  constructor(downstream: Subscriber<T>, reader: ReadableStreamDefaultReader<T>, preventCancel: boolean) {
    super(downstream);
    this.reader = reader;
    this.preventCancel = preventCancel;
  }

  protected emitSome(downstream: Subscriber<T>): void {
    if (this.error !== null) return this.fail(this.error);
    if (this.item !== null && this.requested > 0) {
      const item = this.item;
      this.item = null;
      this.requested--;
      downstream.onNext(item);
      if (this.cancelled) return;
    }
    if (this.item === null && this.ended) return this.complete();
    if (this.item === null && !this.reading && this.requested > 0) this.read();
  }

  /**
   * `reader.closed` settles when the stream errors (at once: queued chunks are discarded) or is closed with an empty
   * queue, so errors and the end of an empty stream are signalled without waiting for demand (§1.4, §1.5).
   */
  watchClosed(): void {
    this.reader?.closed.then(
      () => {
        if (this.cancelled) return;
        this.ended = true;
        this.drain();
      },
      (error: unknown) => {
        if (this.cancelled) return;
        if (this.error === null) this.error = toError(error);
        this.drain();
      },
    );
  }

  private read(): void {
    this.reading = true;
    this.reader!.read().then(
      (result) => {
        this.reading = false;
        if (this.cancelled) return;
        if (result.done) this.ended = true;
        else if (result.value == null) this.error = new TypeError(`§2.13: fromWebReadable: the stream produced ${String(result.value)}, which is not an element`);
        else this.item = result.value;
        this.drain();
      },
      (error: unknown) => {
        this.reading = false;
        if (this.cancelled) return;
        this.error = toError(error);
        this.drain();
      },
    );
  }

  protected override dispose(): void {
    const reader = this.reader;
    if (reader === null) return;
    this.reader = null;
    this.item = null;
    if (this.ended || this.error !== null) return release(reader);
    if (this.preventCancel) return release(reader);
    // Cancellation reaches the stream's source; a cancel that fails after we left is dropped, never thrown.
    reader.cancel().then(() => release(reader), reportDroppedError);
  }
}

function release(reader: ReadableStreamDefaultReader<unknown>): void {
  try {
    reader.releaseLock();
  } catch {
    // A pending read on an old runtime can make releaseLock throw; the reader is abandoned either way.
  }
}
