import { WebSocket, type RawData } from 'ws';
import { Flow, type Inspectable, type StageSnapshot, type Subscriber } from '@sluice/core';
import { DrainSubscription, OverflowBuffer, type OverflowStrategy } from '@sluice/core/engine';

/** A message received by `fromWebSocket`: a text message as a string, a binary message as a Buffer. */
export type WebSocketMessage = string | Buffer;

/** What `fromWebSocket` does with a message that arrives while its buffer is full (see `fromWebSocket`). */
export type WebSocketOverflow = 'pause' | 'error' | 'drop-oldest' | 'drop-newest' | 'latest';

export interface FromWebSocketOptions {
  /**
   * Messages held for the subscriber before the socket is paused (default 256; with `overflow: 'latest'` the default
   * and the only accepted value is 1).
   */
  capacity?: number;
  /**
   * What happens to a message that arrives while the buffer is full, i.e. one `ws` had already read from the kernel
   * when the socket was paused (default `'pause'`): `'pause'` keeps it (up to `RESIDUE_LIMIT` messages beyond
   * `capacity`, see `fromWebSocket`), so nothing is lost; `'error'` fails the flow with an OverflowError and closes
   * the socket with 1008; `'drop-oldest'` discards the oldest buffered message; `'drop-newest'` discards the arriving
   * one; `'latest'` keeps only the newest message (capacity 1: a larger capacity is refused with a RangeError, use
   * `'drop-oldest'` to keep the newest N). Dropped messages are counted in `inspect().dropped`.
   */
  overflow?: WebSocketOverflow;
  /** Close the socket (1000) when the subscriber cancels (default `true`); `false` leaves it open and resumed. */
  closeOnCancel?: boolean;
}

const OVERFLOWS = ['pause', 'error', 'drop-oldest', 'drop-newest', 'latest'] as const;

/**
 * With `overflow: 'pause'`, the most messages kept beyond `capacity` after the socket was paused. `ws` still emits the
 * complete messages of what it had read from the kernel when `pause()` was called: the rest of the chunk being
 * parsed plus what its receiver holds, each at most one 64 KiB socket read. A message takes at least 2 bytes on the
 * wire, so that is fewer than 131,072 messages; storage grows only as they arrive. Past it the flow fails with an
 * OverflowError (it cannot happen with `ws`'s reading as it is; the bound is there so nothing is unbounded).
 */
export const RESIDUE_LIMIT = 131_072;

/**
 * A Flow of the messages of a `ws` WebSocket, for peers that speak no RSocket. The socket is read only while the
 * subscriber keeps up: `ws`'s `pause()` stops reading from the TCP socket, so the kernel's receive buffer fills and
 * TCP flow control slows the sender down.
 *
 * ```
 * socket:    a b c d e f …    (full: pause())           (half empty: resume())  g h …
 * request:   2.                               10.
 * flow:      a b                              c d e f   g h
 * ```
 *
 * **Bound and full behaviour**: the buffer is full at `capacity` messages; the socket is paused then and resumed
 * when the buffer is down to half. `ws` still emits the complete messages of what it had already read from the
 * kernel when it was paused (the rest of one socket read); `overflow` says what happens to them:
 * - `'pause'` (the default) keeps them, beyond `capacity`, up to `RESIDUE_LIMIT` (131,072) messages, which is more
 *   than `ws` can hold read-but-unparsed; nothing is lost and the flow fails with an OverflowError only past that;
 * - `'error'` fails the flow with an OverflowError naming the capacity and closes the socket with 1008;
 * - `'drop-oldest'`, `'drop-newest'` keep exactly `capacity` messages and drop (and count) the others;
 * - `'latest'` keeps only the newest message, so its capacity is 1 (the default with it; any other capacity is a
 *   RangeError that points to `'drop-oldest'`, as core's `create`, `onBackpressureBuffer` and `fromEvent` do).
 *   "Keep the newest `capacity`" is `'drop-oldest'`; a larger `'latest'` buffer used to keep the oldest
 *   `capacity − 1` plus the newest, which nobody guesses.
 *
 * **Demand**: one message per item; messages arrive from the socket, not on request, so demand only decides how
 * quickly the buffer drains (and so when the socket is paused and resumed). Reading starts at subscribe: messages
 * the socket received before (with no 'message' listener) are not seen, so subscribe in the `'connection'` or
 * `'open'` handler.
 *
 * **Termination**: a clean close by the peer (1000, 1001 or 1005 without an error) completes the flow once the
 * buffered messages are delivered; any other close fails it with an Error naming the code (also after the buffered
 * messages). A socket that is already closing or closed fails at subscribe (§1.9: onSubscribe, then onError). A
 * socket can be consumed once: a second subscriber gets onError.
 *
 * **Cancellation**: closes the socket with 1000 (or, with `closeOnCancel: false`, resumes it if this bridge had paused
 * it and leaves it open), removes this bridge's listeners and drops the buffered messages (§3.13). An 'error' event
 * the socket emits later never goes uncaught: a no-op listener stays on the socket.
 *
 * @example
 * wss.on('connection', (socket) => {
 *   fromWebSocket(socket, { capacity: 64 }).pipe(map((m) => JSON.parse(String(m)))).subscribe(sink);
 * });
 */
export function fromWebSocket(socket: WebSocket, options: FromWebSocketOptions = {}): Flow<WebSocketMessage> {
  if (socket == null || typeof socket.send !== 'function' || typeof socket.pause !== 'function') {
    throw new TypeError(`fromWebSocket: expected a ws WebSocket, got ${String(socket)}`);
  }
  const overflow = options.overflow ?? 'pause';
  if (!(OVERFLOWS as readonly unknown[]).includes(overflow)) {
    throw new TypeError(`fromWebSocket: overflow must be one of ${OVERFLOWS.map((s) => `'${s}'`).join(', ')}, got ${String(options.overflow)}`);
  }
  const capacity = options.capacity ?? (overflow === 'latest' ? 1 : 256);
  if (!Number.isSafeInteger(capacity) || capacity < 1) {
    throw new RangeError(`fromWebSocket: capacity must be a positive integer, got ${String(options.capacity)}`);
  }
  if (overflow === 'latest' && capacity !== 1) {
    // the same rule as core's create, onBackpressureBuffer and fromEvent (issue #18)
    throw new RangeError(
      `fromWebSocket: overflow 'latest' keeps only the newest waiting message, so capacity must be 1 (got ${capacity}); ` +
        `use 'drop-oldest' to keep the newest ${capacity}`,
    );
  }
  const closeOnCancel = options.closeOnCancel ?? true;
  let consumed = false;
  return new Flow<WebSocketMessage>((subscriber) => {
    if (consumed) {
      subscriber.onSubscribe({ request() {}, cancel() {} }); // §1.9 onSubscribe first, then the reason
      subscriber.onError(new Error('fromWebSocket: this WebSocket was already subscribed; its messages can be consumed once'));
      return;
    }
    consumed = true;
    const subscription = new WebSocketSubscription(subscriber, socket, capacity, overflow, closeOnCancel);
    subscriber.onSubscribe(subscription);
    subscription.start();
  });
}

const ignore = (): void => {};

class WebSocketSubscription extends DrainSubscription<WebSocketMessage> implements Inspectable {
  private socket: WebSocket | null;
  private readonly buffer: OverflowBuffer<WebSocketMessage>;
  private readonly pauseAt: number;
  private readonly resumeAt: number;
  private readonly closeOnCancel: boolean;
  /** This bridge paused the socket (and so owes it a resume). */
  private pausedByUs = false;
  /** Set when the socket closed: null = cleanly (complete), an Error = abnormally. */
  private ended: { error: Error | null } | null = null;
  private overflowed = false;
  private socketError: Error | null = null;

  private readonly onMessage = (data: RawData, isBinary: boolean): void => {
    if (this.socket === null || this.overflowed) return;
    this.receivedItems++;
    const message: WebSocketMessage = isBinary ? toBuffer(data) : toBuffer(data).toString('utf8');
    if (this.buffer.offer(message) === 'overflow') this.overflowed = true;
    if (!this.pausedByUs && this.buffer.size >= this.pauseAt) {
      this.pausedByUs = true;
      this.socket.pause(); // the kernel's receive buffer fills behind it; TCP slows the sender
    }
    this.drain();
  };
  private readonly onError = (error: Error): void => {
    this.socketError ??= error;
  };
  private readonly onClose = (code: number, reason: Buffer): void => {
    const clean = this.socketError === null && (code === 1000 || code === 1001 || code === 1005);
    this.ended = {
      error: clean ? null : new Error(`fromWebSocket: the socket closed with code ${code}${reason.length > 0 ? ` (${reason.toString()})` : ''}${
        this.socketError === null ? '' : `: ${this.socketError.message}`}`, { cause: this.socketError ?? undefined }),
    };
    this.drain();
  };

  constructor(downstream: Subscriber<WebSocketMessage>, socket: WebSocket, capacity: number, overflow: WebSocketOverflow, closeOnCancel: boolean) {
    super(downstream);
    this.socket = socket;
    const accepted: OverflowStrategy[] = ['error', 'drop-oldest', 'drop-newest', 'latest'];
    this.buffer = overflow === 'pause'
      ? new OverflowBuffer<WebSocketMessage>('fromWebSocket', capacity + RESIDUE_LIMIT, 'error', undefined, accepted)
      : new OverflowBuffer<WebSocketMessage>('fromWebSocket', capacity, overflow, undefined, accepted);
    this.pauseAt = capacity;
    this.resumeAt = Math.floor(capacity / 2);
    this.closeOnCancel = closeOnCancel;
    socket.on('error', ignore); // stays: an error emitted after we are done must not go uncaught
    socket.on('error', this.onError);
    socket.on('message', this.onMessage);
    socket.on('close', this.onClose);
  }

  /** Picks up a socket that is already closing or closed. */
  start(): void {
    const socket = this.socket;
    if (socket === null) return;
    if (socket.readyState === WebSocket.CLOSED || socket.readyState === WebSocket.CLOSING) {
      this.ended = { error: new Error(`fromWebSocket: the socket is already ${socket.readyState === WebSocket.CLOSED ? 'closed' : 'closing'}`) };
      this.drain();
    }
  }

  protected emitSome(downstream: Subscriber<WebSocketMessage>): void {
    if (this.overflowed) return this.fail(this.buffer.overflowError());
    const buffer = this.buffer;
    while (this.requested > 0 && buffer.size > 0) {
      const message = buffer.poll()!;
      this.requested--;
      this.emittedItems++;
      downstream.onNext(message);
      if (this.cancelled) return;
    }
    if (this.overflowed) return this.fail(this.buffer.overflowError());
    if (buffer.size === 0 && this.ended !== null) {
      if (this.ended.error === null) this.complete();
      else this.fail(this.ended.error);
      return;
    }
    if (this.pausedByUs && buffer.size <= this.resumeAt && this.socket !== null) {
      this.pausedByUs = false;
      this.socket.resume();
    }
  }

  protected override dispose(): void {
    const socket = this.socket;
    if (socket === null) return;
    this.socket = null;
    this.buffer.clear(); // §3.13 undelivered messages are released
    socket.off('message', this.onMessage);
    socket.off('close', this.onClose);
    socket.off('error', this.onError);
    if (this.ended !== null) return; // the socket is closed already
    if (this.overflowed) {
      socket.close(1008, 'fromWebSocket: buffer overflow');
    } else if (!this.terminated && this.closeOnCancel) {
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(1000);
    }
    // Resumed in every case: an open socket goes back to its owner as it was, and a closing one must read the peer's
    // close frame to finish the handshake (what else arrives has no listener of ours and is dropped).
    if (this.pausedByUs) socket.resume();
  }

  /** The configured capacity (the pause point); with 'pause' the hard bound is `RESIDUE_LIMIT` more. */
  protected override get capacity(): number {
    return this.pauseAt;
  }

  protected override get buffered(): number {
    return this.buffer.size;
  }

  protected override get dropped(): number {
    return this.buffer.dropped;
  }

  inspect(): StageSnapshot {
    return this.snapshot('fromWebSocket');
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data); // binaryType 'fragments'
  return Buffer.from(data); // binaryType 'arraybuffer'
}
