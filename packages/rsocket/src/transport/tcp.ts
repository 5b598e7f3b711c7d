import * as net from 'node:net';
import { MAX_24 } from '../frame/constants';
import type {
  ClientTransport, FrameConnection, FrameHandlers, ListeningServer, ServerTransport, TransportSnapshot,
} from './FrameConnection';
import { LengthPrefixedReader } from './LengthPrefixedReader';

export interface TcpTransportOptions {
  /** Default `127.0.0.1` (loopback). */
  host?: string;
  /** The port to connect to; for a server, the port to listen on (0, the default, picks a free one). */
  port?: number;
  /**
   * The largest frame accepted from the peer, in bytes (default and maximum 16,777,215, the protocol's limit). A
   * larger declared length is a connection error: nothing is allocated for it.
   */
  maxFrameSize?: number;
}

/**
 * RSocket over TCP (`node:net`): each frame is preceded by its 24-bit length. `send` reports the socket's
 * bound: `false` once the socket's buffer (plus the frames batched this tick) is above its `writableHighWaterMark`,
 * and `'drain'` fires `writable()`. Frames sent in one tick go out in one `socket.write`.
 */
export function tcpClientTransport(options: TcpTransportOptions & { port: number }): ClientTransport {
  const host = options.host ?? '127.0.0.1';
  const maxFrameSize = checkMaxFrameSize(options.maxFrameSize);
  return {
    connect: () =>
      new Promise<FrameConnection>((resolve, reject) => {
        const socket = net.connect({ host, port: options.port });
        const onError = (error: Error) => reject(error);
        socket.once('error', onError);
        socket.once('connect', () => {
          socket.off('error', onError);
          resolve(new TcpFrameConnection(socket, maxFrameSize));
        });
      }),
  };
}

/** A TCP server transport (loopback by default). */
export function tcpServerTransport(options: TcpTransportOptions = {}): ServerTransport {
  const host = options.host ?? '127.0.0.1';
  const maxFrameSize = checkMaxFrameSize(options.maxFrameSize);
  return {
    listen: (onConnection) =>
      new Promise<ListeningServer>((resolve, reject) => {
        const sockets = new Set<net.Socket>();
        const server = net.createServer((socket) => {
          sockets.add(socket);
          socket.once('close', () => sockets.delete(socket));
          onConnection(new TcpFrameConnection(socket, maxFrameSize));
        });
        server.once('error', reject);
        server.listen(options.port ?? 0, host, () => {
          server.off('error', reject);
          const address = server.address() as net.AddressInfo;
          resolve({
            address: { host: address.address, port: address.port },
            close: () =>
              new Promise<void>((done) => {
                server.close(() => done());
                for (const socket of sockets) socket.destroy();
              }),
          });
        });
      }),
  };
}

function checkMaxFrameSize(value: number | undefined): number {
  if (value === undefined) return MAX_24;
  if (!Number.isInteger(value) || value < 6 || value > MAX_24) {
    throw new RangeError(`maxFrameSize must be an integer in 6…16,777,215, got ${value}`);
  }
  return value;
}

/** One TCP connection as a FrameConnection. */
export class TcpFrameConnection implements FrameConnection {
  private readonly socket: net.Socket;
  private readonly reader: LengthPrefixedReader;
  private handlers: FrameHandlers | null = null;
  private batch: Uint8Array[] = [];
  private batchBytes = 0;
  private flushScheduled = false;
  /** Set while a batch over the bound was taken by the socket and `writable()` waits for the next macrotask. */
  private reopenTimer: ReturnType<typeof setImmediate> | null = null;
  private closedOnce = false;
  private earlyError: Error | null = null;
  /** Set while reading from the peer is paused because the outbound backlog is above `readPauseBytes`. */
  private readPaused = false;
  writable = true;
  private framesIn = 0;
  private framesOut = 0;
  private bytesIn = 0;
  private bytesOut = 0;

  constructor(socket: net.Socket, maxFrameSize: number) {
    this.socket = socket;
    this.reader = new LengthPrefixedReader(maxFrameSize);
    socket.setNoDelay(true);
    // Listening from the start: a socket error before setHandlers is kept for it instead of crashing the process.
    socket.on('error', (error) => this.finish(error));
    socket.on('close', () => this.finish());
  }

  setHandlers(handlers: FrameHandlers): void {
    if (this.handlers !== null) throw new Error('FrameConnection.setHandlers: handlers are already installed');
    this.handlers = handlers;
    const socket = this.socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => {
      if (this.closedOnce) return;
      this.pace();
      this.writable = true;
      this.handlers?.writable();
    });
    if (this.closedOnce) handlers.closed(this.earlyError ?? undefined);
    else if (socket.destroyed) this.finish();
  }

  send(frame: Uint8Array): boolean {
    if (this.closedOnce) return false;
    // Frames sent in one tick are copied, with their length prefixes, into one buffer and written once on the next
    // tick: one socket.write for a burst instead of one per frame. The batch counts against the bound like the
    // socket's own buffer does, so `send` reports false as soon as batch + writableLength pass the high-water mark.
    this.batch.push(frame);
    this.batchBytes += frame.length + 3;
    this.framesOut++;
    this.bytesOut += frame.length + 3;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(this.flush);
    }
    if (this.batchBytes + this.socket.writableLength > this.socket.writableHighWaterMark) this.writable = false;
    this.pace();
    return this.writable;
  }

  /** Above this outbound backlog nothing more is read from the peer: 4 × the socket's high-water mark. */
  get readPauseBytes(): number {
    return 4 * this.socket.writableHighWaterMark;
  }

  /**
   * Paces reading by writing. Replies to the peer's input (KEEPALIVE echoes, ERROR for a refused request, …) are sent
   * whatever `writable` says, so a peer that writes and never reads could otherwise grow our buffer without bound.
   * While the backlog (socket buffer + this tick's batch) is above `readPauseBytes` the socket is paused (the kernel
   * then stops accepting the peer's bytes: TCP's own flow control pushes back on it); it resumes once the backlog is
   * back at or below. A pause always has a way out: either the batch is still to be flushed (flush calls this again)
   * or the socket's buffer is above its high-water mark, so the last write returned false and `'drain'` will come.
   * The threshold is above the high-water mark at which our own producers stop, so data alone does not pause reading
   * (both ends pausing at once would deadlock); only replies beyond it, or one payload larger than 3 × the mark, do.
   */
  private pace(): void {
    if (this.closedOnce) return;
    const over = this.batchBytes + this.socket.writableLength > this.readPauseBytes;
    if (over && !this.readPaused) {
      this.readPaused = true;
      this.socket.pause();
    } else if (!over && this.readPaused) {
      this.readPaused = false;
      this.socket.resume();
    }
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const frames = this.batch;
    const total = this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
    if (this.closedOnce || this.socket.destroyed || frames.length === 0) return;
    const out = Buffer.allocUnsafe(total);
    let offset = 0;
    for (const frame of frames) {
      const length = frame.length;
      out[offset] = length >>> 16;
      out[offset + 1] = (length >>> 8) & 0xff;
      out[offset + 2] = length & 0xff;
      out.set(frame, offset + 3);
      offset += length + 3;
    }
    const accepted = this.socket.write(out);
    this.pace();
    if (!accepted) {
      this.writable = false; // 'drain' reopens
    } else if (!this.writable && this.reopenTimer === null) {
      // The batch alone was over the bound and the socket took it: writable again, but on the next macrotask, not
      // here. Reopening inside this nextTick let a synchronous producer refill the batch, whose flush is the next
      // nextTick, and so on: while the kernel kept accepting, I/O was never polled (a CANCEL from the peer, or the
      // other end of a loopback connection in the same process, waited seconds). One setImmediate per batch over
      // the bound (16 KiB by default) is the price; batches under it never wait.
      this.reopenTimer = setImmediate(this.reopen);
    }
  };

  private readonly reopen = (): void => {
    this.reopenTimer = null;
    if (this.closedOnce || this.writable) return; // closed, or 'drain' reopened first
    if (this.batchBytes + this.socket.writableLength > this.socket.writableHighWaterMark) return; // 'drain' will
    this.writable = true;
    this.handlers?.writable();
  };

  close(error?: Error): void {
    if (this.socket.destroyed) {
      this.finish(error);
      return;
    }
    if (error) {
      this.socket.destroy();
      this.finish(error);
    } else {
      // A graceful close: what is already sent (e.g. a final ERROR frame) still reaches the peer.
      this.flush();
      this.socket.end();
      this.socket.destroySoon?.();
    }
  }

  inspect(): TransportSnapshot {
    return {
      kind: 'tcp',
      writable: this.writable,
      bufferedBytes: this.socket.writableLength + this.batchBytes,
      highWaterMark: this.socket.writableHighWaterMark,
      readPaused: this.readPaused,
      framesIn: this.framesIn,
      framesOut: this.framesOut,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
    };
  }

  private onData(chunk: Buffer): void {
    if (this.closedOnce) return;
    this.bytesIn += chunk.length;
    try {
      this.reader.push(chunk, (frame) => {
        if (this.closedOnce) return;
        this.framesIn++;
        this.handlers!.frame(frame);
      });
    } catch (error) {
      this.reader.clear();
      const handlers = this.handlers!;
      if (handlers.protocolError) handlers.protocolError(error as Error);
      else this.close(error as Error);
    }
  }

  private finish(error?: Error): void {
    if (this.closedOnce) return;
    this.closedOnce = true;
    if (this.handlers === null) this.earlyError = error ?? null;
    this.writable = false;
    this.reader.clear();
    if (this.reopenTimer !== null) clearImmediate(this.reopenTimer);
    this.reopenTimer = null;
    const handlers = this.handlers;
    this.handlers = null; // §3.13 the connection and its streams are not kept alive by the socket
    if (!this.socket.destroyed) this.socket.destroy();
    handlers?.closed(error);
  }
}
