import type { Readable } from 'node:stream';
import { DrainSubscription, Flow, type Inspectable, type StageSnapshot, type Subscriber } from '@sluice/core';
import { destroyWatched } from './internal/destroy';
import { prematureCloseError, requirePositiveInteger, toError } from './internal/errors';

export interface FromReadableOptions {
  /** Destroy the readable when the subscriber cancels (default `true`); `false` leaves it paused and reusable. */
  destroyOnCancel?: boolean;
  /** Split `Buffer`/`Uint8Array`/string chunks longer than this into pieces of at most this size. */
  maxChunkSize?: number;
}

/**
 * A Flow over a Node `Readable` (fs, net.Socket, zlib, http.IncomingMessage, child stdout, object-mode streams)
 * that reads only against demand: `read()` while `requested > 0`, on `'readable'`, never flowing mode.
 *
 * ```
 * readable:   [a][b][c]|         (buffered by Node up to readableHighWaterMark, then _read stops)
 * request:     2.       1.
 * flow:        a  b      c |
 * ```
 *
 * **Demand**: each item is one `read()`: in byte/string mode whatever Node has buffered as one chunk, or at most
 * `maxChunkSize` of it (taken with `read(n)`, which slices Node's buffer in place); in object mode one object (a
 * Buffer object longer than `maxChunkSize` is split, keeping one remainder). With no demand nothing is read, Node's
 * buffer fills to its high-water mark and Node stops calling `_read`, which pauses the file descriptor or socket:
 * the only buffer between the source and sluice is the Readable's own (`readableLength ≤ readableHighWaterMark` +
 * one pushed chunk).
 *
 * **Errors**: `'error'` → `onError(error)` (without waiting for demand); `'close'` before `'end'` → `onError` with
 * an `ERR_STREAM_PREMATURE_CLOSE` error; an already destroyed or errored readable fails at subscribe. A Readable is
 * single-use: a second subscriber gets `onError(Error)`.
 *
 * **Cancellation**: removes every listener this bridge added, then `destroy()`s the readable unless
 * `destroyOnCancel` is `false`. With `false` the readable stays usable and loses nothing: the unread rest of a chunk
 * split by `maxChunkSize` is put back at the front of its buffer (`unshift`), so a later reader continues exactly where
 * this subscriber stopped. Listeners are also removed on completion and error.
 *
 * @example
 * await pipeTo(fromReadable(fs.createReadStream('in.bin'), { maxChunkSize: 4096 }).pipe(map(encrypt)), socket);
 */
export function fromReadable<T = Buffer>(readable: Readable, options: FromReadableOptions = {}): Flow<T> {
  if (readable == null || typeof readable.read !== 'function' || typeof readable.on !== 'function') {
    throw new TypeError(`fromReadable: expected a Node Readable, got ${String(readable)}`);
  }
  const destroyOnCancel = options.destroyOnCancel ?? true;
  const maxChunkSize =
    options.maxChunkSize === undefined ? 0 : requirePositiveInteger('fromReadable', 'maxChunkSize', options.maxChunkSize);
  let consumed = false;
  return new Flow<T>((subscriber) => {
    if (consumed) {
      // A Readable's data can be read once; a second subscriber is rejected with onSubscribe then onError (§1.9).
      subscriber.onSubscribe({ request() {}, cancel() {} });
      subscriber.onError(new Error('fromReadable: this Readable was already subscribed; a Readable can be consumed once'));
      return;
    }
    consumed = true;
    const subscription = new ReadableSubscription<T>(subscriber, readable, destroyOnCancel, maxChunkSize);
    subscriber.onSubscribe(subscription);
    subscription.start();
  });
}

class ReadableSubscription<T> extends DrainSubscription<T> implements Inspectable {
  private readable: Readable | null;
  private readonly destroyOnCancel: boolean;
  private readonly maxChunkSize: number;
  /** The rest of a chunk split by maxChunkSize: at most one, so this bridge buffers at most one chunk itself. */
  private leftover: unknown = null;
  private ended = false;
  private error: Error | null = null;
  /** The readable's 'error' event reached us (we may fail earlier, from its `errored` state, before Node emits it). */
  private errorEventSeen = false;
  private emitted = 0;

  private readonly onReadable = (): void => this.drain();
  private readonly onEnd = (): void => {
    this.ended = true;
    this.drain();
  };
  private readonly onError = (error: unknown): void => {
    this.errorEventSeen = true;
    if (this.error === null) this.error = toError(error);
    this.drain();
  };
  private readonly onClose = (): void => {
    if (!this.ended && this.error === null) {
      this.error = (this.readable?.errored as Error | null) ?? prematureCloseError('fromReadable', 'readable');
    }
    this.drain();
  };

  constructor(downstream: Subscriber<T>, readable: Readable, destroyOnCancel: boolean, maxChunkSize: number) {
    super(downstream);
    this.readable = readable;
    this.destroyOnCancel = destroyOnCancel;
    this.maxChunkSize = maxChunkSize;
    // Adding a 'readable' listener switches the stream to paused mode for good (never flowing).
    readable.on('readable', this.onReadable);
    readable.on('end', this.onEnd);
    readable.on('error', this.onError);
    readable.on('close', this.onClose);
  }

  /** Picks up a readable that ended, failed or was destroyed before we subscribed. */
  start(): void {
    const readable = this.readable;
    if (this.cancelled || readable === null) return;
    if (readable.readableEnded) this.ended = true;
    else if (readable.errored) this.error = toError(readable.errored);
    else if (readable.destroyed) this.error = prematureCloseError('fromReadable', 'readable');
    this.drain();
  }

  protected emitSome(downstream: Subscriber<T>): void {
    const readable = this.readable!;
    if (this.error !== null) return this.fail(this.error);
    while (this.requested > 0) {
      let chunk = this.leftover;
      if (chunk !== null) {
        this.leftover = null;
      } else {
        if (this.ended) break;
        try {
          chunk = this.readOne(readable); // pulls only what was asked for; null = nothing buffered now
        } catch (error) {
          return this.fail(toError(error));
        }
        if (chunk === null) break; // Node emits 'readable' (or 'end') when there is news
      }
      if (this.maxChunkSize > 0) chunk = this.split(chunk);
      this.requested--;
      this.emitted++;
      downstream.onNext(chunk as T);
      if (this.cancelled) return;
      if (this.error !== null) return this.fail(this.error);
    }
    if (this.ended) {
      if (this.leftover === null) this.complete();
    } else if (this.requested === 0 && this.leftover === null && readable.readableLength === 0) {
      // Node emits 'end' only from a read() call; read(0) consumes nothing but lets an empty, ended stream say so
      // without waiting for demand (§1.5: completion needs no demand).
      readable.read(0);
    }
  }

  /**
   * One item from Node's buffer. In byte/string mode a plain `read()` returns everything buffered as one chunk; with
   * maxChunkSize we take at most that much (`read(n)` slices Node's buffer in place), so re-chunking never moves
   * Node's buffer into ours (which would let Node refill behind it and double the bytes held).
   */
  private readOne(readable: Readable): unknown {
    if (this.maxChunkSize === 0 || readable.readableObjectMode) return readable.read();
    const available = readable.readableLength;
    return available === 0 ? readable.read() : readable.read(Math.min(available, this.maxChunkSize));
  }

  private split(chunk: unknown): unknown {
    const max = this.maxChunkSize;
    if (typeof chunk === 'string') {
      if (chunk.length <= max) return chunk;
      this.leftover = chunk.slice(max);
      return chunk.slice(0, max);
    }
    if (chunk instanceof Uint8Array) {
      if (chunk.length <= max) return chunk;
      this.leftover = chunk.subarray(max); // a view, not a copy: re-chunking costs no memory
      return chunk.subarray(0, max);
    }
    return chunk;
  }

  protected override dispose(): void {
    const readable = this.readable;
    if (readable === null) return;
    this.readable = null;
    const leftover = this.leftover;
    this.leftover = null;
    readable.off('readable', this.onReadable);
    readable.off('end', this.onEnd);
    readable.off('error', this.onError);
    readable.off('close', this.onClose);
    if (readable.errored != null && !this.errorEventSeen) {
      // We failed from `readable.errored` (at subscribe, or when a read() destroyed it synchronously) and Node emits
      // that error on a later tick: without a listener then, the error our subscriber already got would be thrown
      // as an uncaught exception. Hold a no-op listener until the pending event has passed.
      const swallow = (): void => {};
      readable.on('error', swallow);
      setImmediate(() => readable.off('error', swallow));
    }
    // Cancellation (not a terminal signal from the readable itself): release the source.
    if (this.ended || this.error !== null) return;
    // destroyWatched keeps an 'error' listener until 'close': an error emitted while destroying is not uncaught.
    if (this.destroyOnCancel) destroyWatched(readable);
    // The stream stays with its owner: the unread rest of a chunk we split goes back to the front of its buffer,
    // so a later reader of the same stream sees every byte, in order.
    else if (leftover !== null && !readable.destroyed) readable.unshift(leftover as Buffer | string);
  }

  inspect(): StageSnapshot {
    const readable = this.readable;
    const leftover = this.leftover as { length: number } | null;
    return {
      stage: 'fromReadable',
      capacity: readable?.readableHighWaterMark ?? 0,
      buffered: (readable?.readableLength ?? 0) + (leftover === null ? 0 : readable?.readableObjectMode ? 1 : leftover.length),
      requested: this.requested,
      upstreamRequested: 0,
      received: this.emitted,
      emitted: this.emitted,
      dropped: 0,
      terminated: this.cancelled && (this.ended || this.error !== null),
      cancelled: this.cancelled,
    };
  }
}
