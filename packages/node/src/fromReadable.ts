import type { Readable } from 'node:stream';
import { DrainSubscription, Flow, type Inspectable, type StageSnapshot, type Subscriber } from '@sluice/core';
import { prematureCloseError, requirePositiveInteger, toError } from './internal/errors';

export interface FromReadableOptions {
  /** Destroy the readable when the subscriber cancels (default `true`); `false` leaves it paused and reusable. */
  destroyOnCancel?: boolean;
  /** Split `Buffer`/`Uint8Array`/string chunks longer than this into pieces of at most this size. */
  maxChunkSize?: number;
}

/**
 * A Flow over a Node `Readable` (fs, net.Socket, zlib, http.IncomingMessage, child stdout, object-mode streams)
 * that reads only against demand: the stream flows (`resume()`) while `requested > 0` and is paused the moment demand
 * is spent, the way Node's own `pipe()` applies backpressure.
 *
 * ```
 * readable:   [a][b][c]|         (buffered by Node up to readableHighWaterMark, then _read stops)
 * request:     2.       1.
 * flow:        a  b      c |
 * ```
 *
 * **Demand**: each item is one `'data'` chunk: in byte/string mode one pushed chunk (Node's flowing mode hands over
 * its buffer one chunk at a time, with no copying and no `'readable'` round trip per chunk), or at most
 * `maxChunkSize` of it (the rest of a split chunk is a view kept until demand arrives); in object mode one object (a
 * Buffer object longer than `maxChunkSize` is split the same way). With no demand the stream is paused: Node's
 * buffer fills to its high-water mark and Node stops calling `_read`, which pauses the file descriptor or socket.
 * Bytes held between the source and sluice: the Readable's own buffer (`readableLength ≤ readableHighWaterMark` +
 * one pushed chunk) plus at most one chunk (or split remainder) in this bridge.
 *
 * **Errors**: `'error'` → `onError(error)` (without waiting for demand); `'close'` before `'end'` → `onError` with
 * an `ERR_STREAM_PREMATURE_CLOSE` error; an already destroyed or errored readable fails at subscribe. A Readable is
 * single-use: a second subscriber gets `onError(Error)`.
 *
 * **Cancellation**: removes every listener this bridge added, then `destroy()`s the readable unless
 * `destroyOnCancel` is `false`. Listeners are also removed on completion and error.
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
  /**
   * The one chunk taken from Node and not yet emitted: a `'data'` chunk that arrived with the emit loop busy, or the
   * rest of a chunk split by maxChunkSize. At most one, so this bridge buffers at most one chunk itself.
   */
  private leftover: unknown = null;
  private ended = false;
  private error: Error | null = null;
  private emitted = 0;

  private readonly onData = (chunk: unknown): void => {
    const readable = this.readable;
    if (readable === null) return;
    if (this.leftover !== null || this.requested === 0) {
      // A chunk nobody asked for: it arrived while the stream was only flowing to notice its end (see emitSome), or
      // someone else read while we hold one. Give it back to the front of Node's buffer, which counts it against the
      // high-water mark, and stop the flow (paused first, so unshift() buffers instead of re-emitting).
      readable.pause();
      readable.unshift(chunk as Buffer);
      return;
    }
    this.leftover = chunk;
    this.drain();
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.drain();
  };
  private readonly onError = (error: unknown): void => {
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
    // Paused before the 'data' listener goes on, so adding it does not start the flow: nothing is read before the
    // first request. From then on the stream flows only while there is demand (pause()/resume(), like Node's pipe).
    readable.pause();
    readable.on('data', this.onData);
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
      if (chunk === null) break;
      this.leftover = null;
      if (this.maxChunkSize > 0) chunk = this.split(chunk);
      this.requested--;
      this.emitted++;
      downstream.onNext(chunk as T);
      if (this.cancelled) return;
      if (this.error !== null) return this.fail(this.error);
    }
    if (this.leftover !== null) {
      // Demand is spent while we hold a chunk: stop the flow; Node's buffer fills to its high-water mark and stays.
      if (readable.readableFlowing === true) readable.pause();
    } else if (this.ended) {
      this.complete();
    } else if (this.requested > 0) {
      // Flowing mode hands over one chunk per 'data' event (read() in paused mode would take the whole buffer and
      // schedule a 'readable' tick per chunk). resume() is a no-op while already flowing.
      if (readable.readableFlowing !== true) readable.resume();
    } else if (readable.readableLength > 0) {
      // §1.1 no demand: pause at once, inside the 'data' handler, so Node's flow loop stops before the next chunk.
      if (readable.readableFlowing === true) readable.pause();
    } else {
      // No demand and Node's buffer is empty: keep (or start) flowing, so that an end of stream is noticed without
      // demand (§1.5; in paused mode Node emits 'end' only from a read() call). A chunk arriving meanwhile is
      // handed back with unshift() and the stream pauses (onData), so nothing is consumed ahead of demand.
      if (readable.readableFlowing !== true) readable.resume();
    }
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
    this.leftover = null;
    // Paused before the 'data' listener goes, so a reused readable does not flow into nobody (destroyOnCancel: false).
    if (readable.readableFlowing === true) readable.pause();
    readable.off('data', this.onData);
    readable.off('end', this.onEnd);
    readable.off('error', this.onError);
    readable.off('close', this.onClose);
    // Cancellation (not a terminal signal from the readable itself): release the source.
    if (!this.ended && this.error === null && this.destroyOnCancel) readable.destroy();
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
