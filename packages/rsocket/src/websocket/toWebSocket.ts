import { WebSocket } from 'ws';
import type { Inspectable, Publisher, StageSnapshot, Subscriber, Subscription } from '@sluice/core';
import { nullArgumentError, replenishAt, reportError, toError } from '@sluice/core/engine';
import { corkUntilNextTick } from '../transport/websocket';

/** What `toWebSocket` can send: a string goes as a text message, bytes as a binary message. */
export type WebSocketSendable = string | Uint8Array | ArrayBuffer;

export interface ToWebSocketOptions {
  /**
   * Items are requested only while the socket's `bufferedAmount` is at or below this many bytes (default 65,536).
   * Above it, demand stops until `ws`'s send callbacks report it back at or below.
   */
  highWaterMark?: number;
  /**
   * The most messages requested or sent-but-not-called-back at a time (default 32); topped up at 75% from the send
   * callbacks.
   */
  prefetch?: number;
  /**
   * Close the socket when the flow ends (default `true`): with 1000 after it completed and every message was
   * handed to the operating system, with 1011 and the error's message after it failed.
   */
  close?: boolean;
}

/** A Subscriber that sends each item over a WebSocket; `finished` settles once, when the transfer is over. */
export interface WebSocketSink<T extends WebSocketSendable = WebSocketSendable> extends Subscriber<T>, Inspectable {
  /**
   * Resolves when the flow completed and `ws` called back for every message sent; rejects with the flow's error, a
   * send error, or an Error naming the close code when the socket closed first. Marked as handled.
   */
  readonly finished: Promise<void>;
}

/**
 * Sends a flow over a `ws` WebSocket, for peers that speak no RSocket, with the socket's own backlog as the brake.
 *
 * ```
 * flow:            a  b  c  d            e  f |
 * bufferedAmount:  ↑  ↑  ↑ >hwm  (send callbacks: ≤ hwm)   → close(1000) once every callback ran
 * request:        32.      (none)       24.
 * ```
 *
 * **Demand**: requests `prefetch` items once the socket is open. Demand comes back only through `ws`'s send
 * callbacks (each runs once its message left the socket's buffer): at most `prefetch` messages are requested or
 * not yet called back at any time, topped up at 75%, and none is requested while `bufferedAmount` is above
 * `highWaterMark` (`ws` has no event for `bufferedAmount` falling, so each callback re-checks it). Bytes held in user
 * space are therefore at most `highWaterMark` + `prefetch` items, and nothing is queued by this sink itself. Each
 * round of demand waits for a macrotask (`setImmediate`), so a synchronous source feeding a socket that the kernel
 * keeps accepting yields to the event loop after at most `prefetch` messages.
 *
 * **Completion**: `ws`'s send callbacks are the completion signal: `finished` resolves only after the callback of
 * the last message ran, then the socket is closed (1000) unless `close: false`.
 *
 * **Errors**: a flow error closes the socket with 1011 (reason: the message, truncated to fit) and rejects
 * `finished`. An item that is not a string or bytes cancels the flow with a TypeError. When the socket closes
 * before the flow completed (the peer left, or failed), the flow is cancelled at once, even if it is quiet (§3.13:
 * the subscription and the socket are released), and `finished` rejects with an Error naming the close code.
 *
 * @example
 * wss.on('connection', (socket) => {
 *   toWebSocket(ticks.pipe(map((t) => JSON.stringify(t))), socket, { highWaterMark: 16 * 1024 });
 * });
 */
export function toWebSocket<T extends WebSocketSendable>(flow: Publisher<T>, socket: WebSocket, options: ToWebSocketOptions = {}): WebSocketSink<T> {
  if (flow == null || typeof flow.subscribe !== 'function') throw new TypeError(`toWebSocket: expected a Publisher, got ${String(flow)}`);
  const sink = webSocketSink<T>(socket, options);
  flow.subscribe(sink);
  return sink;
}

/** The Subscriber behind `toWebSocket`, for subscribing it yourself (`flow.subscribe(webSocketSink(socket))`). */
export function webSocketSink<T extends WebSocketSendable = WebSocketSendable>(socket: WebSocket, options: ToWebSocketOptions = {}): WebSocketSink<T> {
  if (socket == null || typeof socket.send !== 'function' || typeof socket.on !== 'function') {
    throw new TypeError(`toWebSocket: expected a ws WebSocket, got ${String(socket)}`);
  }
  const highWaterMark = options.highWaterMark ?? 65_536;
  if (!Number.isSafeInteger(highWaterMark) || highWaterMark < 0) {
    throw new RangeError(`toWebSocket: highWaterMark must be a non-negative integer, got ${String(options.highWaterMark)}`);
  }
  const prefetch = options.prefetch ?? 32;
  if (!Number.isSafeInteger(prefetch) || prefetch < 1) {
    throw new RangeError(`toWebSocket: prefetch must be a positive integer, got ${String(options.prefetch)}`);
  }
  return new WebSocketSubscriber<T>(socket, highWaterMark, prefetch, options.close ?? true);
}

type State = 'idle' | 'active' | 'ending' | 'done';
const ignore = (): void => {};

class WebSocketSubscriber<T extends WebSocketSendable> implements WebSocketSink<T> {
  readonly finished: Promise<void>;
  private socket: WebSocket | null;
  private upstream: Subscription | null = null;
  private readonly highWaterMark: number;
  private readonly prefetch: number;
  private readonly limit: number;
  private readonly closeAtEnd: boolean;
  private state: State = 'idle';
  /** Requested and not yet received. */
  private outstanding = 0;
  /** Demand stopped because `bufferedAmount` went above the high-water mark. */
  private blocked = false;
  /** Messages handed to `ws` whose callback has not run yet. */
  private unflushed = 0;
  private sent = 0;
  private cancelledUpstream = false;
  private socketError: Error | null = null;
  private replenishTimer: NodeJS.Immediate | null = null;
  private readonly cork = { corked: false };
  private resolve!: () => void;
  private reject!: (error: Error) => void;

  private readonly onOpen = (): void => this.replenish(1);
  private readonly onSent = (error?: Error): void => {
    this.unflushed--;
    if (error != null) {
      this.fail(new Error(`toWebSocket: a send failed: ${error.message}`, { cause: error }), true, 1011);
      return;
    }
    if (this.state === 'ending') {
      if (this.unflushed === 0) this.succeed();
      return;
    }
    // Node calls a write's callback on the next tick when the kernel took the bytes at once: replenishing right here
    // would chain sends and callbacks through nextTick without ever polling I/O while the kernel keeps accepting.
    // One macrotask per round of demand lets the event loop breathe (other sockets, timers, the peer's handshake).
    if (this.replenishTimer === null) this.replenishTimer = setImmediate(this.replenishLater);
  };
  private readonly replenishLater = (): void => {
    this.replenishTimer = null;
    if (this.blocked) {
      if (this.socket === null || this.socket.bufferedAmount > this.highWaterMark) return; // a later callback retries
      this.blocked = false;
    }
    this.replenish(this.limit);
  };
  private readonly onSocketError = (error: Error): void => {
    this.socketError ??= error;
  };
  private readonly onClose = (code: number, reason: Buffer): void => {
    const why = `${code}${reason.length > 0 ? ` (${reason.toString()})` : ''}`;
    this.fail(new Error(`toWebSocket: the socket closed with code ${why} before the flow ${this.state === 'ending' ? 'was sent' : 'completed'}${
      this.socketError === null ? '' : `: ${this.socketError.message}`}`, { cause: this.socketError ?? undefined }), true, 0);
  };

  constructor(socket: WebSocket, highWaterMark: number, prefetch: number, closeAtEnd: boolean) {
    this.socket = socket;
    this.highWaterMark = highWaterMark;
    this.prefetch = prefetch;
    this.limit = replenishAt(prefetch);
    this.closeAtEnd = closeAtEnd;
    this.finished = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.finished.catch(() => {}); // errors surface through `finished` only
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.state !== 'idle') {
      subscription.cancel(); // §2.5 one subscription at a time; a second (or one after the end) is cancelled
      return;
    }
    this.upstream = subscription;
    this.state = 'active';
    const socket = this.socket!;
    if (socket.readyState === WebSocket.CLOSING || socket.readyState === WebSocket.CLOSED) {
      this.fail(new Error('toWebSocket: the socket is already closing or closed'), true, 0);
      return;
    }
    socket.on('error', ignore); // stays: an error emitted after we are done must not go uncaught
    socket.on('error', this.onSocketError);
    socket.on('close', this.onClose);
    if (socket.readyState === WebSocket.OPEN) this.replenish(1);
    else socket.once('open', this.onOpen);
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.state !== 'active') return; // §2.8 items in flight after a cancel are dropped
    const socket = this.socket!;
    this.outstanding--;
    const binary = typeof value !== 'string';
    if (binary && !(value instanceof Uint8Array) && !(value instanceof ArrayBuffer)) {
      this.fail(new TypeError(`toWebSocket: an item must be a string, a Uint8Array or an ArrayBuffer, got ${describe(value)}`), true, 1011);
      return;
    }
    this.sent++;
    this.unflushed++;
    corkUntilNextTick(socket, this.cork); // the messages of one tick leave in one write
    socket.send(value, { binary }, this.onSent);
    // Demand comes back only from send callbacks, never from here: a source that emits synchronously into a socket
    // the kernel keeps accepting would otherwise loop without ever yielding to the event loop.
    if (socket.bufferedAmount > this.highWaterMark) this.blocked = true;
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.state !== 'active' && this.state !== 'idle') {
      reportError(error); // §1.7 an error after we settled is reported, never swallowed
      return;
    }
    this.upstream = null; // §2.4 the subscription is over
    this.fail(toError(error), false, 1011);
  }

  onComplete(): void {
    if (this.state !== 'active') return; // §1.7
    this.upstream = null;
    this.state = 'ending';
    if (this.unflushed === 0) this.succeed(); // else the last send callback does
  }

  /** Tops demand up to `prefetch` once at least `threshold` items were consumed, unless the socket is full. */
  private replenish(threshold: number): void {
    const socket = this.socket;
    if (this.state !== 'active' || this.blocked || socket === null || socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > this.highWaterMark) {
      this.blocked = true;
      return;
    }
    const n = this.prefetch - this.outstanding - this.unflushed;
    if (n < threshold) return;
    this.outstanding += n;
    this.upstream!.request(n);
  }

  private succeed(): void {
    if (this.state === 'done') return;
    const socket = this.socket;
    this.state = 'done';
    this.release();
    if (this.closeAtEnd && socket !== null) close(socket, 1000, '');
    this.resolve();
  }

  /** Ends the transfer: cancels upstream when asked, closes the socket with `code` (0: leave it), rejects. */
  private fail(error: Error, cancelUpstream: boolean, code: number): void {
    if (this.state === 'done') return;
    const upstream = this.upstream;
    const socket = this.socket;
    this.state = 'done';
    this.upstream = null;
    this.release();
    if (cancelUpstream && upstream !== null) {
      this.cancelledUpstream = true;
      upstream.cancel();
    }
    if (code !== 0 && this.closeAtEnd && socket !== null) close(socket, code, error.message);
    this.reject(error);
  }

  /** §3.13 the socket's listeners go, and with them every reference from the socket to this sink. */
  private release(): void {
    if (this.replenishTimer !== null) clearImmediate(this.replenishTimer);
    this.replenishTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket === null) return;
    socket.off('open', this.onOpen);
    socket.off('error', this.onSocketError);
    socket.off('close', this.onClose);
  }

  inspect(): StageSnapshot {
    return {
      stage: 'toWebSocket',
      capacity: this.highWaterMark,
      buffered: this.socket?.bufferedAmount ?? 0,
      requested: 0,
      upstreamRequested: this.outstanding,
      received: this.sent,
      emitted: this.sent - this.unflushed,
      dropped: 0,
      terminated: this.state === 'done',
      cancelled: this.cancelledUpstream,
    };
  }
}

function close(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === WebSocket.CONNECTING) {
    socket.terminate();
  } else if (socket.readyState === WebSocket.OPEN) {
    socket.close(code, truncate(reason, 123)); // a close reason is at most 123 bytes
  }
}

function truncate(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = text.slice(0, maxBytes);
  while (Buffer.byteLength(out) > maxBytes) out = out.slice(0, -1);
  return out;
}

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
}
