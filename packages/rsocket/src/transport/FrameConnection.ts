/**
 * The seam between the RSocket connection (frames, streams, credit) and a transport (TCP, WebSocket).
 *
 * A transport moves whole frames: TCP adds and strips the 24-bit length prefix, WebSocket sends one binary message
 * per frame. It never queues without a bound: `send` reports `false` once the transport's own buffer (the socket's
 * `writableLength`, a WebSocket's `bufferedAmount`) is above `highWaterMark`, and the connection then writes nothing
 * more and asks its producers for nothing more until `onWritable` fires. That is how credit meets writability.
 */
export interface FrameConnection {
  /** Sends one whole frame. Returns `false` when the transport is above its bound: wait for `writable()`. */
  send(frame: Uint8Array): boolean;
  /** `false` between a `send` that returned `false` and the next `writable()` callback. */
  readonly writable: boolean;
  /** Installs the connection's callbacks; called once, before any frame is delivered. */
  setHandlers(handlers: FrameHandlers): void;
  /** Closes the transport (with `error`, the close is reported as a failure). Idempotent. */
  close(error?: Error): void;
  /** Counters of the transport itself, for `inspect()`. */
  inspect(): TransportSnapshot;
}

export interface FrameHandlers {
  /** One whole frame arrived (without any transport framing). */
  frame(frame: Uint8Array): void;
  /** The transport drained below its bound after a `send` returned `false`. */
  writable(): void;
  /** The transport closed; `error` is set when it closed abnormally. Called once. */
  closed(error?: Error): void;
  /**
   * Optional: the transport's own framing was violated (a frame over the size limit, a non-binary message). The
   * connection answers ERROR[CONNECTION_ERROR] and closes. Without this handler the transport closes with `error`.
   */
  protocolError?(error: Error): void;
}

export interface TransportSnapshot {
  readonly kind: 'tcp' | 'websocket' | string;
  readonly writable: boolean;
  /** Bytes accepted by `send` and not yet handed to the operating system. */
  readonly bufferedBytes: number;
  readonly highWaterMark: number;
  /**
   * `true` while the transport reads nothing from the peer because its outbound backlog is above its read-pause
   * bound (transports that pace reading by writing report it; absent means the transport does not pause).
   */
  readonly readPaused?: boolean;
  readonly framesIn: number;
  readonly framesOut: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

/** Opens one connection to a server. */
export interface ClientTransport {
  connect(): Promise<FrameConnection>;
}

/** Accepts connections until closed. */
export interface ServerTransport {
  listen(onConnection: (connection: FrameConnection) => void): Promise<ListeningServer>;
}

export interface ListeningServer {
  /** The bound address, e.g. `{ host: '127.0.0.1', port: 7878 }`. */
  readonly address: { readonly host: string; readonly port: number };
  /** Stops accepting, closes every open connection and resolves once every handle is released. */
  close(): Promise<void>;
}
