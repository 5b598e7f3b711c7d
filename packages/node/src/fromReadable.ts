import type { Readable } from 'node:stream';
import { DrainSubscription, Flow, reportError, type Inspectable, type StageSnapshot, type Subscriber } from '@sluice/core';
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
 * that reads only against demand.
 *
 * ```
 * readable:   [a][b][c]|         (buffered by Node up to readableHighWaterMark, then _read stops)
 * request:     2.       1.
 * flow:        a  b      c |
 * ```
 *
 * **Two modes, chosen per stream and per moment** (ADR 0001 in packages/node/docs/decisions):
 * - *Flowing while demand outruns Node's buffer*: a `'data'` listener and `resume()`; the handler delivers each
 *   chunk and calls `pause()` as soon as the demand is spent. Node checks `flowing` before every `read()` of its
 *   loop and before emitting a pushed chunk, so nothing is emitted after that `pause()`. This costs no tick per
 *   chunk (paused mode costs two with a synchronous source), so it is the mode of every throughput path.
 * - *Paused while there is no demand*: a `'readable'` listener. Node fills its buffer to the high-water mark and
 *   stops calling `_read`, which pauses the file descriptor, the socket or the upstream `pipe()`; an end or an error
 *   still arrives without demand (§1.5). When demand comes back, what Node has already buffered is delivered at once
 *   with `read()` (no tick of latency), then the bridge flows again if demand is left.
 * Byte or string streams with `maxChunkSize` stay in paused mode: `read(n)` slices Node's buffer in place, so the
 * bridge keeps no remainder of its own; so do streams that someone else already reads with a `'readable'` listener.
 *
 * **Bound**: chunks read from the source and not yet delivered are at most the Readable's own buffer
 * (`readableLength ≤ readableHighWaterMark` + the one pushed chunk that crosses the mark) plus one chunk in hand
 * (the rest of a chunk split by `maxChunkSize`, or a chunk pushed reentrantly from inside `onNext`).
 *
 * **Demand**: each item is one chunk: in flowing mode one pushed chunk; a paused-mode `read()` in byte/string mode
 * gives whatever Node has buffered as one chunk, or at most `maxChunkSize` of it (taken with `read(n)`); in object
 * mode one object (a Buffer object longer than `maxChunkSize` is split, keeping one remainder).
 *
 * **Errors**: `'error'` → `onError(error)` (without waiting for demand); `'close'` before `'end'` → `onError` with
 * an `ERR_STREAM_PREMATURE_CLOSE` error; an already destroyed or errored readable fails at subscribe. A Readable is
 * single-use: a second subscriber gets `onError(Error)`.
 *
 * **Cancellation**: pauses the readable, removes every listener this bridge added, then `destroy()`s it unless
 * `destroyOnCancel` is `false`. With `false` the readable stays paused, usable, and loses nothing: the chunk in hand
 * (the unread rest of a chunk split by `maxChunkSize`) is put back at the front of its buffer (`unshift`), so a later
 * reader continues exactly where this subscriber stopped. Listeners are also removed on completion and error.
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
  /** Whether this stream may flow (see the mode notes on `fromReadable`); decided once, at subscribe. */
  private readonly canFlow: boolean;
  /** Flowing mode: our 'data' listener is attached and `resume()` was called; else our 'readable' listener is. */
  private flowing = false;
  /**
   * The one chunk in hand: the rest of a chunk split by maxChunkSize, or a chunk Node emitted when it could not be
   * delivered (pushed reentrantly from inside onNext). Never more than one: a second goes back to Node (`unshift`).
   */
  private held: unknown = null;
  private ended = false;
  private error: Error | null = null;
  /** The readable's 'error' event reached us (we may fail earlier, from its `errored` state, before Node emits it). */
  private errorEventSeen = false;
  private emitted = 0;

  private readonly onReadable = (): void => this.drain();
  private readonly onData = (chunk: unknown): void => {
    const readable = this.readable;
    if (readable === null) return;
    if (this.held !== null) {
      // Only reachable when a chunk is pushed from inside our own onNext while a split chunk is in hand: keep the
      // bound (one chunk in hand). Back to paused mode, the chunk back to the front of Node's buffer, where the
      // running drain loop reads it when demand allows.
      if (this.flowing) this.stopFlowing(readable);
      readable.unshift(chunk as Buffer);
      this.drain();
      return;
    }
    if (this.wip === 0 && this.requested > 0 && this.maxChunkSize === 0 && this.error === null && !this.cancelled) {
      // The per-chunk fast path of flowing mode (demand left, no drain running, nothing in hand): deliver here under
      // the same wip guard drain() takes (§3.3), without a drain-loop pass per chunk. Anything a reentrant signal
      // changed (demand spent, a cancel, an error, a chunk pushed from inside onNext) is picked up by one drain().
      const downstream = this.downstream!;
      this.wip = 1;
      this.requested--;
      this.emitted++;
      try {
        downstream.onNext(chunk as T);
      } catch (error) {
        // §2.13 the downstream threw: the subscription counts as cancelled (drain() below releases it) and the
        // error is reported, as the drain loop does.
        this.cancelled = true;
        reportError(error);
      }
      const again = this.wip !== 1 || this.requested === 0 || this.cancelled || this.error !== null || this.held !== null;
      this.wip = 0;
      if (again) this.drain();
      return;
    }
    this.held = chunk;
    // Out of demand (a chunk Node emitted before our pause() took effect): stop here, the chunk waits in hand.
    if (this.requested === 0) readable.pause();
    this.drain();
  };
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
    this.canFlow =
      typeof readable.pause === 'function' &&
      typeof readable.resume === 'function' &&
      readable.listenerCount('readable') === 0 && // someone else reads it in paused mode: resume() would not flow
      (maxChunkSize === 0 || readable.readableObjectMode); // read(n) slices in place: no remainder in hand
    // Start in paused mode: without demand Node fills its buffer to the high-water mark and stops, and an empty
    // stream's end is seen without any request.
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
    // Paused mode: what Node holds now is delivered at once; reading stops there (a read() may refill the buffer
    // from a synchronous source, and that refill is left to flowing mode, which costs no tick per chunk).
    let buffered = this.flowing || !this.canFlow ? Infinity : readable.readableLength;
    while (this.requested > 0) {
      let chunk = this.held;
      if (chunk !== null) {
        this.held = null;
      } else {
        if (this.ended || this.flowing || buffered <= 0) break; // flowing: chunks arrive as 'data'
        try {
          chunk = this.readOne(readable); // pulls only what was asked for; null = nothing buffered now
        } catch (error) {
          return this.fail(toError(error));
        }
        if (chunk === null) break; // Node emits 'readable' (or 'end') when there is news
        buffered -= readable.readableObjectMode ? 1 : (chunk as { length: number }).length;
      }
      if (this.maxChunkSize > 0) chunk = this.split(chunk);
      this.requested--;
      this.emitted++;
      downstream.onNext(chunk as T);
      if (this.cancelled) return;
      if (this.error !== null) return this.fail(this.error);
    }
    if (this.ended) {
      if (this.held === null) this.complete();
      return;
    }
    if (this.requested === 0 || this.held !== null) {
      if (this.flowing) this.stopFlowing(readable);
      if (this.held === null && readable.readableLength === 0) {
        // Node emits 'end' only from a read() call; read(0) consumes nothing but lets an empty, ended stream say so
        // without waiting for demand (§1.5: completion needs no demand).
        readable.read(0);
      }
    } else if (this.canFlow && !this.flowing) {
      this.startFlowing(readable);
    }
  }

  /** Demand outruns what Node holds: hand chunks over as Node produces them, with no tick per chunk. */
  private startFlowing(readable: Readable): void {
    this.flowing = true;
    // Removing the last 'readable' listener while a 'data' listener is attached lets resume() flow (Node's
    // documented precedence of 'readable' over 'data').
    readable.off('readable', this.onReadable);
    readable.on('data', this.onData);
    readable.resume();
  }

  /** Demand is spent: Node stops emitting at once; its buffer fills to the high-water mark and _read stops. */
  private stopFlowing(readable: Readable): void {
    this.flowing = false;
    readable.pause();
    readable.off('data', this.onData);
    readable.on('readable', this.onReadable); // news (an end, an error) still arrives without demand
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
      this.held = chunk.slice(max);
      return chunk.slice(0, max);
    }
    if (chunk instanceof Uint8Array) {
      if (chunk.length <= max) return chunk;
      this.held = chunk.subarray(max); // a view, not a copy: re-chunking costs no memory
      return chunk.subarray(0, max);
    }
    return chunk;
  }

  protected override dispose(): void {
    const readable = this.readable;
    if (readable === null) return;
    this.readable = null;
    const held = this.held;
    this.held = null;
    if (this.flowing) {
      // Paused first: with no 'data' listener left a flowing stream would drop what it emits.
      if (!this.ended) readable.pause();
      this.flowing = false;
      readable.off('data', this.onData);
    } else {
      readable.off('readable', this.onReadable);
    }
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
    // The stream stays with its owner: the chunk in hand (the unread rest of a chunk we split) goes back to the
    // front of its buffer, so a later reader of the same stream sees every byte, in order.
    else if (held !== null && !readable.destroyed) readable.unshift(held as Buffer | string);
  }

  inspect(): StageSnapshot {
    const readable = this.readable;
    const held = this.held as { length: number } | null;
    return {
      stage: 'fromReadable',
      capacity: readable?.readableHighWaterMark ?? 0,
      buffered: (readable?.readableLength ?? 0) + (held === null ? 0 : readable?.readableObjectMode ? 1 : held.length),
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
