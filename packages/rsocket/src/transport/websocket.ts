import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { MAX_24 } from '../frame/constants';
import { ProtocolError } from '../errors';
import type {
  ClientTransport, FrameConnection, FrameHandlers, ListeningServer, ServerTransport, TransportSnapshot,
} from './FrameConnection';

export interface WebSocketTransportOptions {
  /** Default `127.0.0.1` (loopback). Ignored when a client is given `url`. */
  host?: string;
  /** The port to connect to; for a server, the port to listen on (0, the default, picks a free one). */
  port?: number;
  /** The HTTP path of the upgrade (default `/`). A server answers other paths with 400. */
  path?: string;
  /**
   * `send` returns `false` once the socket's `bufferedAmount` is above this many bytes (default 65,536), and
   * `writable()` fires when it is back at or below it.
   */
  highWaterMark?: number;
  /**
   * The largest message (= frame) accepted from the peer, in bytes (default and maximum 16,777,215, the largest
   * RSocket frame). `ws` enforces it while receiving (`maxPayload`): a larger message is never buffered, the
   * connection closes with 1009 and its streams end with the error.
   */
  maxMessageSize?: number;
  /**
   * Milliseconds a graceful `close()` waits for the peer's close frame before the socket is destroyed (default
   * 5,000). A peer that never reads would otherwise hold the connection until `ws`'s own 30 s timeout.
   */
  closeTimeout?: number;
}

/**
 * Corks the socket under a `ws` WebSocket until the next tick, so the messages sent in one tick leave in one
 * `writev` instead of one write (or two) each, as the TCP transport batches a tick's frames. Node counts corks, so
 * `ws`'s own cork/uncork around a message nests inside this one. `_socket` is `ws`'s internal name for that socket
 * (the same through the 8.x line); without it nothing is batched and nothing else changes.
 * @internal
 */
export function corkUntilNextTick(socket: WebSocket, state: { corked: boolean }): void {
  if (state.corked) return;
  const raw = (socket as unknown as { _socket?: { cork?(): void; uncork(): void } })._socket;
  if (raw === undefined || typeof raw.cork !== 'function') return;
  state.corked = true;
  raw.cork();
  process.nextTick(() => {
    state.corked = false;
    raw.uncork();
  });
}

/** A client transport: `ws://host:port/path`, or `url` (which may be `wss://`). */
export function webSocketClientTransport(options: WebSocketTransportOptions & ({ port: number } | { url: string })): ClientTransport {
  const { highWaterMark, maxMessageSize, closeTimeout } = checkOptions('webSocketClientTransport', options);
  const url = 'url' in options && options.url !== undefined
    ? options.url
    : `ws://${formatHost(options.host ?? '127.0.0.1')}:${(options as { port: number }).port}${options.path ?? '/'}`;
  return {
    connect: () =>
      new Promise<FrameConnection>((resolve, reject) => {
        const socket = new WebSocket(url, { maxPayload: maxMessageSize, perMessageDeflate: false });
        const onError = (error: Error) => reject(error);
        socket.once('error', onError);
        socket.once('open', () => {
          socket.off('error', onError);
          resolve(new WebSocketFrameConnection(socket, highWaterMark, closeTimeout));
        });
      }),
  };
}

/** A WebSocket server transport (loopback by default; never binds all interfaces unless `host` says so). */
export function webSocketServerTransport(options: WebSocketTransportOptions = {}): ServerTransport {
  const host = options.host ?? '127.0.0.1';
  const { highWaterMark, maxMessageSize, closeTimeout } = checkOptions('webSocketServerTransport', options);
  return {
    listen: (onConnection) =>
      new Promise<ListeningServer>((resolve, reject) => {
        const sockets = new Set<WebSocket>();
        const server = new WebSocketServer({
          host, port: options.port ?? 0, path: options.path, maxPayload: maxMessageSize, perMessageDeflate: false,
        });
        server.on('connection', (socket) => {
          sockets.add(socket);
          socket.once('close', () => sockets.delete(socket));
          onConnection(new WebSocketFrameConnection(socket, highWaterMark, closeTimeout));
        });
        const onListenError = (error: Error) => reject(error);
        server.once('error', onListenError);
        server.once('listening', () => {
          server.off('error', onListenError);
          server.on('error', () => {}); // after listening, errors belong to individual sockets, which report them
          const address = server.address() as { address: string; port: number };
          resolve({
            address: { host: address.address, port: address.port },
            close: () =>
              new Promise<void>((done) => {
                for (const socket of sockets) socket.terminate();
                server.close(() => done());
              }),
          });
        });
      }),
  };
}

/**
 * One WebSocket as a FrameConnection: one binary message per frame, both ways.
 *
 * **Writability.** `ws` has no event for `bufferedAmount` falling. `bufferedAmount` is the socket's user-space
 * write buffer (`writableLength`; with compression off, `ws`'s sender queues nothing itself), and every `ws.send`
 * callback runs once its message left that buffer, after Node decremented it. So each send callback re-checks
 * `bufferedAmount` and fires `writable()` the first time it is at or below `highWaterMark`. The socket's `'drain'`
 * is not used: it fires only when the socket's own high-water mark (16 KiB) was crossed, which says nothing about
 * ours. The bytes held in user space are therefore at most `highWaterMark` + one frame.
 *
 * A text message is a protocol error (RSocket frames are binary), as is a frame shorter than its 6-byte header.
 */
export class WebSocketFrameConnection implements FrameConnection {
  private socket: WebSocket | null;
  private handlers: FrameHandlers | null = null;
  private readonly highWaterMark: number;
  private readonly closeTimeout: number;
  /** Frames that arrived before `setHandlers` (the socket is paused meanwhile, so at most one chunk's worth). */
  private early: Uint8Array[] | null = [];
  private closedOnce = false;
  private readonly cork = { corked: false };
  private earlyError: Error | undefined;
  private closeTimer: NodeJS.Timeout | null = null;
  private failure: Error | undefined;
  /** Set while reading from the peer is paused because `bufferedAmount` is above `readPauseBytes`. */
  private readPaused = false;
  writable = true;
  private framesIn = 0;
  private framesOut = 0;
  private bytesIn = 0;
  private bytesOut = 0;

  private readonly onMessage = (data: RawData, isBinary: boolean): void => {
    if (this.closedOnce) return;
    if (!isBinary) return this.protocolError(new ProtocolError('WebSocket transport: a text message; RSocket frames are binary messages'));
    const frame = data as Buffer; // binaryType 'nodebuffer' (the default): one Buffer per message
    this.framesIn++;
    this.bytesIn += frame.length;
    if (frame.length < 6) return this.protocolError(new ProtocolError(`WebSocket transport: a ${frame.length}-byte message is shorter than a frame header`));
    if (this.handlers === null) this.early!.push(frame);
    else this.handlers.frame(frame);
  };
  private readonly onSent = (error?: Error): void => {
    if (error == null) this.pace();
    if (error != null || this.closedOnce || this.writable) return;
    const socket = this.socket;
    if (socket !== null && socket.bufferedAmount <= this.highWaterMark) {
      this.writable = true;
      this.handlers?.writable();
    }
  };
  private readonly onError = (error: Error): void => {
    this.failure ??= error;
  };
  private readonly onClose = (code: number, reason: Buffer): void => {
    if (this.failure === undefined && code !== 1000 && code !== 1001 && code !== 1005) {
      this.failure = new Error(`WebSocket transport: closed with code ${code}${reason.length > 0 ? ` (${reason.toString()})` : ''}`);
    }
    this.finish(this.failure);
  };

  constructor(socket: WebSocket, highWaterMark: number, closeTimeout: number) {
    this.socket = socket;
    this.highWaterMark = highWaterMark;
    this.closeTimeout = closeTimeout;
    // Listening from the start: an error before setHandlers is kept for it instead of crashing the process.
    socket.on('message', this.onMessage);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
    if (socket.readyState === WebSocket.OPEN) socket.pause(); // nothing more is read until someone handles it
  }

  setHandlers(handlers: FrameHandlers): void {
    if (this.handlers !== null) throw new Error('FrameConnection.setHandlers: handlers are already installed');
    this.handlers = handlers;
    const early = this.early!;
    this.early = null;
    if (this.closedOnce) {
      handlers.closed(this.earlyError);
      return;
    }
    for (const frame of early) {
      if (this.closedOnce) return;
      handlers.frame(frame);
    }
    if (this.socket?.isPaused) this.socket.resume();
  }

  send(frame: Uint8Array): boolean {
    const socket = this.socket;
    if (this.closedOnce || socket === null || socket.readyState !== WebSocket.OPEN) return false;
    this.framesOut++;
    this.bytesOut += frame.length;
    corkUntilNextTick(socket, this.cork); // the frames of one tick leave together (they count in bufferedAmount meanwhile)
    socket.send(frame, { binary: true }, this.onSent);
    if (socket.bufferedAmount > this.highWaterMark) this.writable = false;
    this.pace();
    return this.writable;
  }

  /** Above this outbound backlog nothing more is read from the peer: 4 × `highWaterMark` (at least 64 KiB). */
  get readPauseBytes(): number {
    return Math.max(4 * this.highWaterMark, 65_536);
  }

  /**
   * Paces reading by writing, as the TCP transport does: replies to the peer's input are sent whatever `writable`
   * says, so while `bufferedAmount` is above `readPauseBytes` the WebSocket is paused (`ws` pauses its socket) and
   * it resumes once back at or below. Every pause has a way out: the frames over the bound each have a send
   * callback still to come, and each callback calls this again.
   */
  private pace(): void {
    const socket = this.socket;
    if (this.closedOnce || socket === null || this.handlers === null || socket.readyState !== WebSocket.OPEN) return;
    const over = socket.bufferedAmount > this.readPauseBytes;
    if (over && !this.readPaused) {
      this.readPaused = true;
      socket.pause();
    } else if (!over && this.readPaused) {
      this.readPaused = false;
      socket.resume();
    }
  }

  close(error?: Error): void {
    const socket = this.socket;
    if (this.closedOnce || socket === null) return;
    if (error) {
      this.failure ??= error;
      socket.terminate();
      this.finish(error);
      return;
    }
    // Graceful: frames already sent (a final ERROR, say) go out before the close frame; 'close' finishes.
    this.writable = false;
    if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close(1000);
    this.closeTimer = setTimeout(() => socket.terminate(), this.closeTimeout);
    this.closeTimer.unref();
  }

  inspect(): TransportSnapshot {
    return {
      kind: 'websocket',
      writable: this.writable,
      bufferedBytes: this.socket?.bufferedAmount ?? 0,
      highWaterMark: this.highWaterMark,
      readPaused: this.readPaused,
      framesIn: this.framesIn,
      framesOut: this.framesOut,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
    };
  }

  private protocolError(error: ProtocolError): void {
    const handlers = this.handlers;
    if (handlers?.protocolError) handlers.protocolError(error);
    else this.close(error);
  }

  private finish(error?: Error): void {
    if (this.closedOnce) return;
    this.closedOnce = true;
    this.writable = false;
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
    this.closeTimer = null;
    const socket = this.socket!;
    const handlers = this.handlers;
    if (handlers === null) {
      this.earlyError = error;
      this.early = [];
    }
    this.handlers = null; // §3.13 the connection and its streams are not kept alive by the socket
    socket.off('message', this.onMessage);
    socket.off('close', this.onClose);
    // 'error' stays listened to (a no-op once finished): ws may still emit one while tearing the socket down.
    if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
    handlers?.closed(error);
  }
}

function checkOptions(name: string, options: WebSocketTransportOptions): { highWaterMark: number; maxMessageSize: number; closeTimeout: number } {
  const highWaterMark = options.highWaterMark ?? 65_536;
  if (!Number.isSafeInteger(highWaterMark) || highWaterMark < 0) {
    throw new RangeError(`${name}: highWaterMark must be a non-negative integer, got ${String(options.highWaterMark)}`);
  }
  const maxMessageSize = options.maxMessageSize ?? MAX_24;
  if (!Number.isInteger(maxMessageSize) || maxMessageSize < 6 || maxMessageSize > MAX_24) {
    throw new RangeError(`${name}: maxMessageSize must be an integer in 6…16,777,215, got ${String(options.maxMessageSize)}`);
  }
  const closeTimeout = options.closeTimeout ?? 5_000;
  if (!Number.isSafeInteger(closeTimeout) || closeTimeout <= 0) {
    throw new RangeError(`${name}: closeTimeout must be a positive integer, got ${String(options.closeTimeout)}`);
  }
  return { highWaterMark, maxMessageSize, closeTimeout };
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
