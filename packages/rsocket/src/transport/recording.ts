import { decodeFrame } from '../frame/codec';
import { frameTypeName } from '../frame/constants';
import type { Frame } from '../frame/Frame';
import type { ClientTransport, FrameConnection, FrameHandlers, ServerTransport } from './FrameConnection';

/** One frame seen by a recording transport: a summary, not the bytes (a log of a 5 MB stream stays small). */
export interface FrameLogEntry {
  readonly direction: 'out' | 'in';
  /** The frame type's protocol name (`REQUEST_N`, `PAYLOAD`, …). */
  readonly type: string;
  readonly streamId: number;
  /** Initial request N (REQUEST_STREAM/CHANNEL) or REQUEST_N's N. */
  readonly requestN?: number;
  /** PAYLOAD: N, C and F flags. */
  readonly next?: boolean;
  readonly complete?: boolean;
  readonly follows?: boolean;
  /** ERROR: the code. */
  readonly code?: number;
  readonly size: number;
}

/** The frames a recording transport saw, in order, both directions. */
export class FrameLog {
  readonly entries: FrameLogEntry[] = [];
  /** Keeps at most this many entries (oldest beyond it are not recorded); default 100,000. */
  readonly limit: number;
  constructor(limit = 100_000) {
    this.limit = limit;
  }
  record(direction: 'out' | 'in', bytes: Uint8Array): void {
    if (this.entries.length >= this.limit) return;
    let frame: Frame;
    try {
      frame = decodeFrame(bytes);
    } catch {
      this.entries.push({ direction, type: 'MALFORMED', streamId: -1, size: bytes.length });
      return;
    }
    const entry: { -readonly [K in keyof FrameLogEntry]: FrameLogEntry[K] } = {
      direction, type: frame.type === 'unsupported' ? frameTypeName(frame.frameType) : frameTypeName(frame.type), streamId: frame.streamId, size: bytes.length,
    };
    if ('requestN' in frame) entry.requestN = frame.requestN;
    if ('next' in frame) entry.next = frame.next;
    if ('complete' in frame) entry.complete = frame.complete;
    if ('follows' in frame) entry.follows = frame.follows;
    if ('code' in frame) entry.code = frame.code;
    this.entries.push(entry);
  }
  /** Entries filtered by direction, type and stream. */
  select(filter: { direction?: 'out' | 'in'; type?: string; streamId?: number }): FrameLogEntry[] {
    return this.entries.filter((e) => (filter.direction === undefined || e.direction === filter.direction)
      && (filter.type === undefined || e.type === filter.type) && (filter.streamId === undefined || e.streamId === filter.streamId));
  }
}

/** Wraps a FrameConnection so every frame in and out is logged. */
export function recordConnection(connection: FrameConnection, log: FrameLog): FrameConnection {
  return {
    send: (frame) => {
      log.record('out', frame);
      return connection.send(frame);
    },
    get writable() {
      return connection.writable;
    },
    setHandlers: (handlers: FrameHandlers) => connection.setHandlers({
      ...handlers,
      frame: (frame) => {
        log.record('in', frame);
        handlers.frame(frame);
      },
    }),
    close: (error) => connection.close(error),
    inspect: () => connection.inspect(),
  };
}

/**
 * A client transport that logs every frame: the wire-level view for asserting demand (initial N, each REQUEST_N,
 * nothing beyond credit).
 *
 * @example
 * const { transport, log } = recordingClientTransport(tcpClientTransport({ port }));
 * log.select({ direction: 'out', type: 'REQUEST_N' }).map((e) => e.requestN);
 */
export function recordingClientTransport(inner: ClientTransport, log = new FrameLog()): { transport: ClientTransport; log: FrameLog } {
  return { log, transport: { connect: async () => recordConnection(await inner.connect(), log) } };
}

/** A server transport that logs every frame of every connection into one log. */
export function recordingServerTransport(inner: ServerTransport, log = new FrameLog()): { transport: ServerTransport; log: FrameLog } {
  return { log, transport: { listen: (onConnection) => inner.listen((connection) => onConnection(recordConnection(connection, log))) } };
}
