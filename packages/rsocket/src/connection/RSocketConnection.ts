import {
  Flow, from, timerScheduler, toFlow, reportError, EmptyError,
  type CancelTask, type Publisher, type Scheduler, type Subscriber,
} from '@sluice/core';
import { decodeFrame, encodeFrame } from '../frame/codec';
import {
  ErrorCode, FRAME_HEADER_SIZE, FrameType, MAJOR_VERSION, MAX_24, MAX_31, MINOR_VERSION, errorCodeName, frameTypeName,
} from '../frame/constants';
import type { Frame, SetupFrame } from '../frame/Frame';
import { ConnectionClosedError, LeaseError, ProtocolError, RSocketError } from '../errors';
import { EMPTY, type Payload } from '../Payload';
import type { FrameConnection, TransportSnapshot } from '../transport/FrameConnection';
import { RequesterStream, signal } from './RequesterStream';
import { ResponderStream } from './ResponderStream';
import type { StreamHandler, StreamKind, StreamSnapshot } from './types';

/** What a responder (the server's handler, or a client's `responder`) implements. Every method is optional. */
export interface Responder {
  /** One response: a Publisher (its first item is sent; empty completes the response empty), a Promise or a Payload. */
  requestResponse?(payload: Payload): Publisher<Payload> | PromiseLike<Payload> | Payload;
  fireAndForget?(payload: Payload): void | PromiseLike<void>;
  /** Any Publisher (foreign ones pass through core's boundary adapter); it is asked exactly what the requester granted. */
  requestStream?(payload: Payload): Publisher<Payload>;
  /** `inbound` is the requester's payloads after the first (`payload`); its `request(n)` sends REQUEST_N(n). */
  requestChannel?(payload: Payload, inbound: Flow<Payload>): Publisher<Payload>;
  metadataPush?(metadata: Uint8Array): void | PromiseLike<void>;
}

/** The parameters of a connection, as the client sent them in SETUP. */
export interface SetupInfo {
  readonly majorVersion: number;
  readonly minorVersion: number;
  readonly keepAlive: number;
  readonly lifetime: number;
  readonly lease: boolean;
  readonly dataMimeType: string;
  readonly metadataMimeType: string;
  readonly payload: Payload;
}

/** A LEASE a responder issues: `requests` new requests allowed per `ttl` milliseconds, renewed every `ttl`. */
export interface LeaseOptions {
  ttl: number;
  requests: number;
  /** Send a fresh LEASE each time one expires (default true). */
  renew?: boolean;
}

export interface ConnectionOptions {
  /** The MTU: payloads whose frame would be larger are fragmented into frames of at most this many bytes (≥ 64). */
  fragmentSize?: number;
  /** The bound on a reassembled inbound payload (metadata + data), default 16 MiB; larger is refused (see README). */
  maxPayloadSize?: number;
  /** The most items requested at once from a local producer (the bound of its outbound queue), default 64. */
  prefetch?: number;
  /** Time for keepalive, lifetime and lease (a VirtualTimeScheduler in tests). */
  scheduler?: Scheduler;
}

/** What `inspect()` reports for a connection. */
export interface ConnectionSnapshot {
  readonly role: 'client' | 'server';
  readonly state: 'awaiting-setup' | 'open' | 'closed';
  readonly writable: boolean;
  readonly streams: readonly StreamSnapshot[];
  /** Items held in outbound queues of all streams (each bounded by `prefetch`). */
  readonly bufferedFrames: number;
  /** Bytes held for inbound fragments not yet reassembled (bounded by `maxPayloadSize` per stream). */
  readonly reassemblyBytes: number;
  readonly framesIn: number;
  readonly framesOut: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Frames ignored as the protocol requires (unknown streams, I flag, …). */
  readonly ignoredFrames: number;
  /** Requests this responder rejected because they exceeded the LEASE it issued. */
  readonly leaseRejected: number;
  /** Fire-and-forget requests dropped because no handler (or route) took them. */
  readonly droppedFireAndForget: number;
  /** The LEASE this side's requester honours, or null when leases are off. */
  readonly lease: { readonly remaining: number; readonly expiresAt: number } | null;
  readonly transport: TransportSnapshot;
}

interface Reassembly {
  readonly firstType: number;
  readonly requestN: number;
  readonly channelComplete: boolean;
  readonly next: boolean;
  hasMetadata: boolean;
  readonly metadata: Uint8Array[];
  readonly data: Uint8Array[];
  size: number;
  /** Frames and wire bytes of the fragments so far, for the stream's counters. */
  frames: number;
  wireBytes: number;
}

const DEFAULT_MAX_PAYLOAD = 16 * 1024 * 1024;

/**
 * One RSocket connection, either side: the frame dispatcher, stream registry, SETUP/KEEPALIVE/LEASE handling and
 * fragmentation. It is also the requester API (`requestStream`, …) that `connect` returns and a server's handler
 * may use to call the client.
 *
 * Queues between the Flows and the socket, and their bounds:
 * - per outbound stream, an OutboundSender queue of at most `prefetch` items (the producer is never asked for more);
 * - per stream, at most one pending REQUEST_N: grants made during one event-loop turn are summed and sent as one
 *   REQUEST_N at the end of the turn (ADR 0003), and while the transport is not writable they keep summing until it
 *   drains; the map of pending grants has at most one entry per live stream;
 * - per stream, one reassembly buffer of at most `maxPayloadSize` bytes;
 * - the transport's own buffer: written to only while writable, except for control frames (REQUEST_N, CANCEL, ERROR,
 *   KEEPALIVE, LEASE, terminal PAYLOAD(C)) and the fragments of one payload being sent. Replies to the peer's input
 *   (a KEEPALIVE echo, an ERROR per refused request) are not bounded per stream: the transports bound them by
 *   pausing reading while their backlog is above a read-pause bound (README, Bounds), so they are paced by the peer.
 */
export class RSocketConnection {
  readonly role: 'client' | 'server';
  readonly prefetch: number;
  private transport: FrameConnection;
  private readonly scheduler: Scheduler;
  private readonly fragmentSize: number;
  private readonly maxPayloadSize: number;
  private readonly streams = new Map<number, StreamHandler>();
  private readonly reassembly = new Map<number, Reassembly>();
  private readonly waiting = new Set<StreamHandler>();
  /** REQUEST_N owed to the peer, summed per stream until the end of the turn (ADR 0003); one entry per live stream. */
  private readonly grants = new Map<StreamHandler, number>();
  private grantTimer: ReturnType<typeof setImmediate> | null = null;
  private nextStreamId: number;
  private state: 'awaiting-setup' | 'open' | 'closed';
  writable = true;
  private responder: Responder | null;
  private setup: SetupInfo | null = null;
  private keepAlive = 0;
  private lifetime = 0;
  private lastReceived: number;
  private cancelKeepAlive: CancelTask | null = null;
  private cancelLeaseRenewal: CancelTask | null = null;
  /** The lease this side's requester honours (null: leases off). */
  private leaseIn: { remaining: number; expiresAt: number; ttl: number; requests: number; received: boolean } | null = null;
  /** The lease this side's responder issued and enforces (null: not enforced). */
  private leaseOut: { remaining: number; expiresAt: number } | null = null;
  private readonly leaseOptions: LeaseOptions | null;
  private leaseWaiters: (() => void)[] = [];
  private framesIn = 0;
  private framesOut = 0;
  private bytesIn = 0;
  private bytesOut = 0;
  private ignoredFrames = 0;
  private leaseRejected = 0;
  private droppedFireAndForget = 0;
  private closeError: Error | null = null;
  private readonly closedPromise: Promise<Error | null>;
  private resolveClosed!: (error: Error | null) => void;
  private onSetupAccepted: ((setup: SetupInfo, connection: RSocketConnection) => Responder | null) | null;

  /** @internal use `connect` or `serve` */
  constructor(
    transport: FrameConnection, role: 'client' | 'server', options: ConnectionOptions, responder: Responder | null,
    leaseOptions: LeaseOptions | null, onSetup: ((setup: SetupInfo, connection: RSocketConnection) => Responder | null) | null,
  ) {
    this.transport = transport;
    this.role = role;
    this.scheduler = options.scheduler ?? timerScheduler;
    this.prefetch = checkInteger('prefetch', options.prefetch ?? 64, 1, MAX_31);
    this.fragmentSize = options.fragmentSize === undefined || options.fragmentSize === 0
      ? MAX_24 : checkInteger('fragmentSize', options.fragmentSize, 64, MAX_24);
    this.maxPayloadSize = checkInteger('maxPayloadSize', options.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD, 1, Number.MAX_SAFE_INTEGER);
    this.nextStreamId = role === 'client' ? 1 : 2; // RSocket "Stream Identifiers": odd for the client, even for the server
    this.state = role === 'client' ? 'open' : 'awaiting-setup';
    this.responder = responder;
    this.leaseOptions = leaseOptions;
    this.onSetupAccepted = onSetup;
    this.lastReceived = this.scheduler.now();
    this.closedPromise = new Promise((resolve) => (this.resolveClosed = resolve));
    transport.setHandlers({
      frame: (frame) => this.onFrame(frame),
      writable: () => this.onWritable(),
      closed: (error) => this.close(new ConnectionClosedError(
        error ? `RSocket connection closed: the transport failed: ${error.message}` : 'RSocket connection closed by the peer', { cause: error },
      )),
      protocolError: (error) => this.connectionError(error.message),
    });
  }

  // ---- client setup --------------------------------------------------------------------------------------------

  /** @internal sends SETUP (client side) and starts the keepalive. */
  sendSetup(frame: SetupFrame): void {
    this.keepAlive = frame.keepAlive;
    this.lifetime = frame.lifetime;
    this.setup = toSetupInfo(frame);
    if (frame.lease) this.leaseIn = { remaining: 0, expiresAt: 0, ttl: 0, requests: 0, received: false };
    this.sendFrame(frame, null);
    this.scheduleKeepAlive();
  }

  /** @internal resolves once the first LEASE arrived (or the connection closed). */
  whenLeased(): Promise<void> {
    if (this.leaseIn === null || this.leaseIn.received || this.state === 'closed') return Promise.resolve();
    return new Promise((resolve) => this.leaseWaiters.push(resolve));
  }

  // ---- the requester API ---------------------------------------------------------------------------------------

  /**
   * REQUEST_STREAM. Cold: nothing is sent until the first `request(n)`, which becomes the initial request N; later
   * `request(n)` calls become REQUEST_N frames, those of one event-loop turn summed into one (capped so the total
   * outstanding never exceeds 2^31−1). `cancel()` sends CANCEL.
   */
  requestStream(payload: Payload): Flow<Payload> {
    return new Flow<Payload>((subscriber) => this.subscribeRequester(subscriber, 'stream', payload, null));
  }

  /**
   * REQUEST_CHANNEL with `payload` as the first request payload and initial request N = the first `request(n)`.
   * `outbound` is subscribed when the responder first grants credit and is asked only for what it granted.
   */
  requestChannel(payload: Payload, outbound: Publisher<Payload>): Flow<Payload> {
    if (outbound == null || typeof outbound.subscribe !== 'function') throw new TypeError('requestChannel(payload, outbound): outbound must be a Publisher');
    return new Flow<Payload>((subscriber) => this.subscribeRequester(subscriber, 'channel', payload, outbound));
  }

  /** REQUEST_RESPONSE as a Flow of zero (empty response) or one payload. */
  requestResponseFlow(payload: Payload): Flow<Payload> {
    return new Flow<Payload>((subscriber) => this.subscribeRequester(subscriber, 'response', payload, null));
  }

  /** REQUEST_RESPONSE. Rejects with the peer's RSocketError, or with EmptyError for an empty response. */
  requestResponse(payload: Payload, options: { signal?: AbortSignal } = {}): Promise<Payload> {
    return new Promise<Payload>((resolve, reject) => {
      let value: Payload | null = null;
      let subscription: { cancel(): void } | null = null;
      const abort = () => {
        subscription?.cancel();
        reject(options.signal!.reason);
      };
      if (options.signal?.aborted) return reject(options.signal.reason);
      options.signal?.addEventListener('abort', abort, { once: true });
      this.requestResponseFlow(payload).subscribe({
        onSubscribe: (s) => {
          subscription = s;
          s.request(1);
        },
        onNext: (p) => (value = p),
        onError: (e) => {
          options.signal?.removeEventListener('abort', abort);
          reject(e);
        },
        onComplete: () => {
          options.signal?.removeEventListener('abort', abort);
          if (value === null) reject(new EmptyError('requestResponse'));
          else resolve(value);
        },
      });
    });
  }

  /** REQUEST_FNF. Resolves once the frame was handed to the transport; rejects if it could not be sent. */
  fireAndForget(payload: Payload): Promise<void> {
    const error = this.startRequest(null, payload, 0);
    return error === null ? Promise.resolve() : Promise.reject(error);
  }

  /**
   * REQUEST_FNF as a Flow: cold, the frame is sent on the first `request(n)`, then the Flow completes empty (or fails
   * with the reason it could not be sent).
   */
  fireAndForgetFlow(payload: Payload): Flow<Payload> {
    return new Flow<Payload>((subscriber) => {
      let done = false;
      const subscription = {
        request: (n: number) => {
          if (done) return;
          done = true;
          if (!(typeof n === 'number' && n > 0)) {
            signal(() => subscriber.onError(new RangeError(`§3.9: request(n) needs a positive integer or Infinity (non-positive subscription request), got ${String(n)}`)));
            return;
          }
          const error = this.startRequest(null, payload, 0);
          signal(() => (error === null ? subscriber.onComplete() : subscriber.onError(error)));
        },
        cancel: () => {
          done = true;
        },
      };
      signal(() => subscriber.onSubscribe(subscription));
    });
  }

  /** METADATA_PUSH on stream 0. */
  metadataPush(metadata: Uint8Array): Promise<void> {
    if (this.state === 'closed') return Promise.reject(this.closedError());
    if (metadata.length > MAX_24 - FRAME_HEADER_SIZE) return Promise.reject(new RangeError('RSocket METADATA_PUSH Frame: metadata does not fit one frame'));
    this.sendFrame({ type: FrameType.METADATA_PUSH, streamId: 0, metadata }, null);
    return Promise.resolve();
  }

  /** Closes the connection: every open stream ends with a ConnectionClosedError. Resolves once closed. */
  close(reason?: Error): Promise<void> {
    this.shutdown(reason ?? new ConnectionClosedError('RSocket connection closed by the local side'), reason === undefined);
    return this.closedPromise.then(() => undefined);
  }

  /** Resolves when the connection closes, with the error that closed it (null for a local, graceful close). */
  get closed(): Promise<Error | null> {
    return this.closedPromise;
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** The client's SETUP parameters (null on a server before SETUP). */
  get setupInfo(): SetupInfo | null {
    return this.setup;
  }

  inspect(): ConnectionSnapshot {
    const streams: StreamSnapshot[] = [];
    let buffered = 0;
    for (const stream of this.streams.values()) {
      const snapshot = stream.inspect();
      buffered += snapshot.bufferedFrames;
      streams.push(snapshot);
    }
    let reassemblyBytes = 0;
    for (const r of this.reassembly.values()) reassemblyBytes += r.size;
    const lease = this.leaseIn;
    return {
      role: this.role, state: this.state, writable: this.writable, streams, bufferedFrames: buffered, reassemblyBytes,
      framesIn: this.framesIn, framesOut: this.framesOut, bytesIn: this.bytesIn, bytesOut: this.bytesOut,
      ignoredFrames: this.ignoredFrames, leaseRejected: this.leaseRejected, droppedFireAndForget: this.droppedFireAndForget,
      lease: lease === null ? null : { remaining: this.leaseRemaining(), expiresAt: lease.expiresAt },
      transport: this.transport.inspect(),
    };
  }

  // ---- used by the streams -------------------------------------------------------------------------------------

  /** @internal */
  hasStream(stream: StreamHandler): boolean {
    return stream.streamId !== 0 && this.streams.get(stream.streamId) === stream;
  }

  /** @internal */
  removeStream(stream: StreamHandler): void {
    if (this.streams.get(stream.streamId) === stream) this.streams.delete(stream.streamId);
    this.waiting.delete(stream);
    this.grants.delete(stream); // §3.13 and no REQUEST_N for a finished stream
  }

  /** @internal the stream wants `onWritable` once the transport drains. */
  awaitWritable(stream: StreamHandler): void {
    this.waiting.add(stream);
  }

  /**
   * @internal Allocates a stream id, checks the lease and sends the request frame(s). `stream` null is REQUEST_FNF.
   * Returns the error that prevented the request, or null.
   */
  startRequest(stream: RequesterStream | null, payload: Payload, initialN: number): Error | null {
    if (this.state === 'closed') return this.closedError();
    if (!isPayload(payload)) return new TypeError('RSocket: a request needs a Payload ({ data: Uint8Array, metadata: Uint8Array | null })');
    const leaseError = this.takeLease();
    if (leaseError !== null) return leaseError;
    const streamId = this.allocateStreamId();
    if (streamId === 0) return new RSocketError(ErrorCode.REJECTED, 'RSocket Stream Identifiers: every stream id is in use on this connection; open a new connection');
    const kind: StreamKind = stream === null ? 'fnf' : stream.kind;
    const type = kind === 'fnf' ? FrameType.REQUEST_FNF : kind === 'response' ? FrameType.REQUEST_RESPONSE
      : kind === 'stream' ? FrameType.REQUEST_STREAM : FrameType.REQUEST_CHANNEL;
    if (stream !== null) {
      stream.streamId = streamId;
      this.streams.set(streamId, stream);
    }
    this.sendFragmented(stream, streamId, type, payload, initialN, false);
    return null;
  }

  /** @internal PAYLOAD (next when `payload` is not null), fragmented as needed. */
  sendPayload(stream: StreamHandler, payload: Payload | null, complete: boolean): void {
    if (payload === null) {
      this.sendFrame({ type: FrameType.PAYLOAD, streamId: stream.streamId, follows: false, complete: true, next: false, data: EMPTY, metadata: null }, stream);
      return;
    }
    this.sendFragmented(stream, stream.streamId, FrameType.PAYLOAD, payload, 0, complete);
  }

  /** @internal */
  sendRequestN(stream: StreamHandler, n: number): void {
    this.sendFrame({ type: FrameType.REQUEST_N, streamId: stream.streamId, requestN: n }, stream);
  }

  /**
   * @internal Credit for the peer on `stream` (already capped by the stream so that its total stays ≤ 2^31−1). The
   * grants of one event-loop turn are summed into one REQUEST_N, sent at the end of the turn (a `setImmediate`), or
   * once the transport drains if it is not writable then (ADR 0003). The sum is exact: the peer receives every
   * credit granted, never more, only in fewer frames. A consumer that asks for one item per macrotask would
   * otherwise cost one REQUEST_N frame, and one socket write, per item: `process.nextTick` batching runs between
   * two `setImmediate` callbacks, so a per-tick window coalesces nothing for it.
   */
  grant(stream: StreamHandler, n: number): void {
    if (this.state === 'closed' || n <= 0) return;
    const pending = this.grants.get(stream);
    this.grants.set(stream, pending === undefined ? n : Math.min(pending + n, MAX_31));
    if (this.grantTimer === null) this.grantTimer = setImmediate(this.flushGrants);
  }

  /** @internal Drops a stream's pending grant: its inbound half ended (CANCEL sent, or the peer completed it). */
  dropGrant(stream: StreamHandler): void {
    this.grants.delete(stream);
  }

  /** Sends the pending REQUEST_N frames (one per stream), unless the transport is above its bound. */
  private readonly flushGrants = (): void => {
    this.grantTimer = null;
    if (this.state === 'closed' || !this.writable) return; // not writable: onWritable sends them
    this.sendGrants();
  };

  private sendGrants(): void {
    if (this.grants.size === 0) return;
    // control frames, at most one per live stream: written even if one of them fills the transport
    for (const [stream, n] of this.grants) {
      if (this.hasStream(stream)) this.sendRequestN(stream, n);
    }
    this.grants.clear();
  }

  /** @internal */
  sendCancel(stream: StreamHandler): void {
    this.sendFrame({ type: FrameType.CANCEL, streamId: stream.streamId }, stream);
  }

  /** @internal */
  sendError(stream: StreamHandler, code: number, message: string): void {
    this.sendFrame({ type: FrameType.ERROR, streamId: stream.streamId, code, message }, stream);
  }

  // ---- frames in -----------------------------------------------------------------------------------------------

  private onFrame(bytes: Uint8Array): void {
    if (this.state === 'closed') return;
    this.framesIn++;
    this.bytesIn += bytes.length;
    this.lastReceived = this.scheduler.now();
    let frame: Frame;
    try {
      frame = decodeFrame(bytes);
    } catch (error) {
      if (error instanceof ProtocolError && error.ignorable) {
        this.ignoredFrames++; // RSocket "Handling Ignore Flag": a frame we cannot read but may ignore
        return;
      }
      this.connectionError(error instanceof Error ? error.message : String(error));
      return;
    }
    if (this.state === 'awaiting-setup') {
      this.onFirstFrame(frame);
      return;
    }
    try {
      this.dispatch(frame, bytes.length);
    } catch (error) {
      // a bug here must not take the process down: the connection fails instead
      reportError(error);
      this.shutdown(new ConnectionClosedError(`RSocket connection closed after an internal error: ${(error as Error).message}`, { cause: error }), false);
    }
  }

  private dispatch(frame: Frame, size: number): void {
    switch (frame.type) {
      case FrameType.SETUP:
        this.ignoredFrames++; // RSocket "Handling the Unexpected": a server ignores a second SETUP, a client every SETUP
        return;
      case FrameType.LEASE:
        this.onLease(frame.ttl, frame.requestCount);
        return;
      case FrameType.KEEPALIVE:
        if (frame.respond) this.sendFrame({ type: FrameType.KEEPALIVE, streamId: 0, respond: false, lastReceivedPosition: 0, data: frame.data }, null);
        return;
      case FrameType.METADATA_PUSH:
        if (frame.streamId !== 0) {
          this.ignoredFrames++; // RSocket "Handling the Unexpected": METADATA_PUSH on a stream is ignored
          return;
        }
        this.callResponder('metadataPush', () => this.responder?.metadataPush?.(frame.metadata));
        return;
      case FrameType.ERROR:
        if (frame.streamId === 0) {
          this.onConnectionErrorFrame(frame.code, frame.message);
          return;
        }
        this.reassembly.delete(frame.streamId);
        this.withStream(frame.streamId, size, (stream) => stream.onError(frame.code, frame.message));
        return;
      case FrameType.CANCEL:
        this.reassembly.delete(frame.streamId);
        this.withStream(frame.streamId, size, (stream) => stream.onCancel());
        return;
      case FrameType.REQUEST_N:
        this.withStream(frame.streamId, size, (stream) => {
          if (frame.requestN <= 0) {
            // RSocket "REQUEST_N Frame": Request N MUST be > 0
            stream.onLocalError(new RSocketError(ErrorCode.INVALID, `RSocket REQUEST_N Frame: request N must be > 0, got ${frame.requestN}`));
            return;
          }
          stream.onRequestN(frame.requestN);
        });
        return;
      case FrameType.PAYLOAD:
        this.onPayloadFrame(frame.streamId, frame.follows, frame.complete, frame.next, frame.data, frame.metadata, size);
        return;
      case FrameType.REQUEST_RESPONSE:
      case FrameType.REQUEST_FNF:
      case FrameType.REQUEST_STREAM:
      case FrameType.REQUEST_CHANNEL: {
        const streamId = frame.streamId;
        if (streamId === 0 || (streamId & 1) === (this.role === 'client' ? 1 : 0)) {
          this.connectionError(`RSocket Stream Identifiers: the peer opened a ${frameTypeName(frame.type)} on stream ${streamId}, which is not its to allocate`);
          return;
        }
        if (this.streams.has(streamId) || this.reassembly.has(streamId)) {
          this.ignoredFrames++; // RSocket "Handling the Unexpected": a request on a stream id in use is ignored
          return;
        }
        const requestN = frame.type === FrameType.REQUEST_STREAM || frame.type === FrameType.REQUEST_CHANNEL ? frame.requestN : 0;
        const channelComplete = frame.type === FrameType.REQUEST_CHANNEL && frame.complete;
        if (frame.follows) {
          this.beginReassembly(streamId, frame.type, requestN, channelComplete, true, frame.data, frame.metadata, size);
          return;
        }
        this.onRequest(frame.type, streamId, { data: frame.data, metadata: frame.metadata }, requestN, channelComplete, 1, size);
        return;
      }
      case FrameType.EXT:
      case 'unsupported':
        if (frame.ignore) {
          this.ignoredFrames++; // RSocket "Handling Ignore Flag"
          return;
        }
        this.connectionError(frame.type === FrameType.EXT
          ? `RSocket EXT Frame: unsupported extended type ${frame.extendedType} without the ignore flag`
          : `RSocket Frame Types: unsupported frame type ${frameTypeName(frame.frameType)} without the ignore flag`);
        return;
    }
  }

  private withStream(streamId: number, size: number, action: (stream: StreamHandler) => void): void {
    const stream = this.streams.get(streamId);
    if (stream === undefined) {
      this.ignoredFrames++; // RSocket "Handling the Unexpected": frames for unknown (or finished) streams are ignored
      return;
    }
    stream.framesIn++;
    stream.bytesIn += size;
    action(stream);
  }

  private onPayloadFrame(
    streamId: number, follows: boolean, complete: boolean, next: boolean, data: Uint8Array, metadata: Uint8Array | null, size: number,
  ): void {
    const pending = this.reassembly.get(streamId);
    if (pending !== undefined) {
      if (!this.appendFragment(streamId, pending, data, metadata)) return;
      pending.frames++;
      pending.wireBytes += size;
      if (follows && !complete) return;
      this.reassembly.delete(streamId);
      const payload = joinFragments(pending);
      if (pending.firstType !== FrameType.PAYLOAD) {
        this.onRequest(pending.firstType, streamId, payload, pending.requestN, pending.channelComplete || complete, pending.frames, pending.wireBytes);
        return;
      }
      const stream = this.streams.get(streamId);
      if (stream !== undefined) {
        stream.framesIn += pending.frames - 1; // every fragment but the last, which withStream counts
        stream.bytesIn += pending.wireBytes - size;
      }
      this.withStream(streamId, size, (s) => s.onPayload(pending.next ? payload : null, complete));
      return;
    }
    if (!this.streams.has(streamId)) {
      this.ignoredFrames++; // RSocket "Handling the Unexpected": PAYLOAD on an unknown stream (including 0) is ignored
      return;
    }
    if (follows && !complete) {
      // RSocket "Handling the Unexpected": a PAYLOAD with both F and C ignores F
      this.beginReassembly(streamId, FrameType.PAYLOAD, 0, false, next, data, metadata, size);
      return;
    }
    if (!next && !complete) {
      this.ignoredFrames++; // a PAYLOAD with neither N nor C carries nothing
      return;
    }
    this.withStream(streamId, size, (stream) => stream.onPayload(next ? { data, metadata } : null, complete));
  }

  private beginReassembly(
    streamId: number, firstType: number, requestN: number, channelComplete: boolean, next: boolean, data: Uint8Array, metadata: Uint8Array | null,
    size: number,
  ): void {
    const pending: Reassembly = {
      firstType, requestN, channelComplete, next, hasMetadata: false, metadata: [], data: [], size: 0, frames: 1, wireBytes: size,
    };
    this.reassembly.set(streamId, pending);
    this.appendFragment(streamId, pending, data, metadata);
  }

  /** Adds one fragment (copied: the socket chunk it came in is not kept); false when the bound was exceeded. */
  private appendFragment(streamId: number, pending: Reassembly, data: Uint8Array, metadata: Uint8Array | null): boolean {
    const added = data.length + (metadata?.length ?? 0);
    if (pending.size + added > this.maxPayloadSize) {
      this.reassembly.delete(streamId);
      const message = `RSocket Fragmentation And Reassembly: the reassembled payload on stream ${streamId} exceeds maxPayloadSize (${this.maxPayloadSize} bytes)`;
      if (pending.firstType !== FrameType.PAYLOAD) {
        // a request we will not process: REJECTED guarantees the peer nothing was done
        if (pending.firstType !== FrameType.REQUEST_FNF) {
          this.sendFrame({ type: FrameType.ERROR, streamId, code: ErrorCode.REJECTED, message }, null);
        }
      } else {
        this.streams.get(streamId)?.onLocalError(new RSocketError(ErrorCode.REJECTED, message));
      }
      return false;
    }
    pending.size += added;
    if (metadata !== null) {
      pending.hasMetadata = true;
      if (metadata.length > 0) pending.metadata.push(metadata.slice());
    }
    if (data.length > 0) pending.data.push(data.slice());
    return true;
  }

  private onRequest(
    type: number, streamId: number, payload: Payload, requestN: number, channelComplete: boolean, frames: number, wireBytes: number,
  ): void {
    const leaseOut = this.leaseOut;
    if (leaseOut !== null) {
      // RSocket "Lease Semantics": a request beyond the lease issued is answered with ERROR[REJECTED]
      if (leaseOut.remaining <= 0 || this.scheduler.now() >= leaseOut.expiresAt) {
        this.leaseRejected++;
        if (type !== FrameType.REQUEST_FNF) {
          const lease = this.leaseOptions!;
          this.sendFrame({
            type: FrameType.ERROR, streamId, code: ErrorCode.REJECTED,
            message: `RSocket Lease Semantics: request rejected: it exceeds the lease of ${lease.requests} requests per ${lease.ttl} ms`,
          }, null);
        }
        return;
      }
      leaseOut.remaining--;
    }
    const responder = this.responder;
    if (type === FrameType.REQUEST_FNF) {
      this.callResponder('fireAndForget', () => {
        if (responder?.fireAndForget === undefined) throw new RSocketError(ErrorCode.REJECTED, 'no fireAndForget handler');
        return responder.fireAndForget(payload);
      });
      return;
    }
    if ((type === FrameType.REQUEST_STREAM || type === FrameType.REQUEST_CHANNEL) && requestN <= 0) {
      // RSocket "REQUEST_STREAM Frame": initial request N MUST be > 0
      this.sendFrame({
        type: FrameType.ERROR, streamId, code: ErrorCode.INVALID,
        message: `RSocket ${frameTypeName(type)} Frame: initial request N must be > 0, got ${requestN}`,
      }, null);
      return;
    }
    const kind: StreamKind = type === FrameType.REQUEST_RESPONSE ? 'response' : type === FrameType.REQUEST_STREAM ? 'stream' : 'channel';
    const stream = new ResponderStream(this, streamId, kind, kind === 'response' ? 1 : requestN, channelComplete);
    stream.framesIn = frames;
    stream.bytesIn = wireBytes;
    this.streams.set(streamId, stream);
    let publisher: Publisher<Payload>;
    try {
      publisher = this.invokeHandler(kind, payload, stream);
    } catch (error) {
      stream.failHandler(error);
      return;
    }
    stream.start(publisher);
  }

  private invokeHandler(kind: StreamKind, payload: Payload, stream: ResponderStream): Publisher<Payload> {
    const responder = this.responder;
    const missing = (name: string) => new RSocketError(ErrorCode.REJECTED, `no ${name} handler on this ${this.role}`);
    if (kind === 'response') {
      if (responder?.requestResponse === undefined) throw missing('requestResponse');
      const result = responder.requestResponse(payload);
      if (isPublisher(result)) return result;
      if (result != null && typeof (result as PromiseLike<Payload>).then === 'function') return from(result as PromiseLike<Payload>);
      if (isPayload(result)) return from([result]);
      throw new TypeError(`requestResponse handler returned ${String(result)}, not a Publisher, Promise or Payload`);
    }
    if (kind === 'stream') {
      if (responder?.requestStream === undefined) throw missing('requestStream');
      const result = responder.requestStream(payload);
      if (!isPublisher(result)) throw new TypeError(`requestStream handler returned ${String(result)}, not a Publisher`);
      return result;
    }
    if (responder?.requestChannel === undefined) throw missing('requestChannel');
    const result = responder.requestChannel(payload, stream.inboundFlow());
    if (!isPublisher(result)) throw new TypeError(`requestChannel handler returned ${String(result)}, not a Publisher`);
    return result;
  }

  private callResponder(what: 'fireAndForget' | 'metadataPush', call: () => void | PromiseLike<void> | undefined): void {
    try {
      const result = call();
      if (result != null && typeof (result as PromiseLike<void>).then === 'function') {
        (result as PromiseLike<void>).then(undefined, (error: unknown) => reportError(error));
      }
    } catch (error) {
      // RSocket "Request Fire-n-Forget": best effort, no answer exists. A rejection (no handler, no route) is dropped
      // and counted; any other failure of user code is reported, since it has no stream to travel on.
      if (what === 'fireAndForget' && error instanceof RSocketError) {
        this.droppedFireAndForget++;
        return;
      }
      reportError(error);
    }
  }

  private onFirstFrame(frame: Frame): void {
    // RSocket "Connection Establishment": anything but a SETUP on stream 0 is answered with ERROR[INVALID_SETUP]
    if (frame.type === 'unsupported' && frame.frameType === FrameType.RESUME) {
      this.rejectSetup(ErrorCode.REJECTED_RESUME, 'RSocket Resuming Operation: this server does not support RESUME');
      return;
    }
    if (frame.type !== FrameType.SETUP || frame.streamId !== 0) {
      const what = frame.type === 'unsupported' ? frameTypeName(frame.frameType) : frameTypeName(frame.type);
      this.rejectSetup(ErrorCode.INVALID_SETUP, `RSocket Connection Establishment: the first frame must be SETUP on stream 0, got ${what} on stream ${frame.streamId}`);
      return;
    }
    if (frame.majorVersion !== MAJOR_VERSION) {
      this.rejectSetup(ErrorCode.INVALID_SETUP,
        `RSocket SETUP Frame: unsupported protocol version ${frame.majorVersion}.${frame.minorVersion}; this server speaks ${MAJOR_VERSION}.${MINOR_VERSION}`);
      return;
    }
    if (frame.keepAlive <= 0 || frame.lifetime <= 0) {
      this.rejectSetup(ErrorCode.INVALID_SETUP, `RSocket SETUP Frame: keepalive interval and max lifetime must be > 0, got ${frame.keepAlive} and ${frame.lifetime}`);
      return;
    }
    if (frame.resumeToken !== null) {
      this.rejectSetup(ErrorCode.REJECTED_SETUP, 'RSocket SETUP Frame: resume was requested, and this server does not support resumption');
      return;
    }
    this.state = 'open';
    this.keepAlive = frame.keepAlive;
    this.lifetime = frame.lifetime;
    this.setup = toSetupInfo(frame);
    if (frame.lease) {
      // RSocket "Connection Establishment": our own requester must wait for the client's LEASE
      this.leaseIn = { remaining: 0, expiresAt: 0, ttl: 0, requests: 0, received: false };
    }
    const onSetup = this.onSetupAccepted;
    this.onSetupAccepted = null;
    if (onSetup !== null) {
      try {
        this.responder = onSetup(this.setup, this);
      } catch (error) {
        this.rejectSetup(ErrorCode.REJECTED_SETUP, error instanceof Error ? error.message : String(error));
        return;
      }
    }
    if (frame.lease && this.leaseOptions !== null) this.issueLease();
    this.scheduleKeepAlive();
  }

  private rejectSetup(code: number, message: string): void {
    this.sendFrame({ type: FrameType.ERROR, streamId: 0, code, message }, null);
    this.shutdown(new RSocketError(code, message), true);
  }

  private onConnectionErrorFrame(code: number, message: string): void {
    const setupCodes: number[] = [ErrorCode.INVALID_SETUP, ErrorCode.UNSUPPORTED_SETUP, ErrorCode.REJECTED_SETUP, ErrorCode.REJECTED_RESUME];
    if (this.role === 'server' && setupCodes.includes(code)) {
      this.ignoredFrames++; // RSocket "Handling the Unexpected": a server ignores setup errors
      return;
    }
    const error = new RSocketError(code, message);
    this.shutdown(new ConnectionClosedError(`RSocket connection closed by the peer with ERROR[${errorCodeName(code)}]: ${message}`, { cause: error }), false);
  }

  /** A violation by the peer: ERROR[CONNECTION_ERROR] on stream 0, then close. */
  private connectionError(message: string): void {
    if (this.state === 'closed') return;
    this.sendFrame({ type: FrameType.ERROR, streamId: 0, code: ErrorCode.CONNECTION_ERROR, message }, null);
    this.shutdown(new ConnectionClosedError(`RSocket connection closed after a protocol error from the peer: ${message}`, { cause: new ProtocolError(message) }), true);
  }

  // ---- lease -----------------------------------------------------------------------------------------------------

  private onLease(ttl: number, requests: number): void {
    const lease = this.leaseIn;
    if (lease === null) {
      this.ignoredFrames++; // we did not ask to honour leases
      return;
    }
    // RSocket "LEASE Frame": the last LEASE received overrides all previous ones
    lease.ttl = ttl;
    lease.requests = requests;
    lease.remaining = requests;
    lease.expiresAt = this.scheduler.now() + ttl;
    if (!lease.received) {
      lease.received = true;
      const waiters = this.leaseWaiters;
      this.leaseWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private leaseRemaining(): number {
    const lease = this.leaseIn;
    if (lease === null) return Infinity;
    return this.scheduler.now() >= lease.expiresAt ? 0 : lease.remaining;
  }

  private takeLease(): Error | null {
    const lease = this.leaseIn;
    if (lease === null) return null;
    // RSocket "Lease Semantics": a requester MUST NOT send more requests than the lease allows within its TTL
    if (!lease.received) return new LeaseError('RSocket Lease Semantics: no LEASE has been received from the peer yet; requests must wait for one');
    if (this.scheduler.now() >= lease.expiresAt) {
      return new LeaseError(`RSocket Lease Semantics: the lease of ${lease.requests} requests per ${lease.ttl} ms has expired; wait for the next LEASE`);
    }
    if (lease.remaining <= 0) {
      return new LeaseError(`RSocket Lease Semantics: the lease of ${lease.requests} requests per ${lease.ttl} ms is used up; wait for the next LEASE`);
    }
    lease.remaining--;
    return null;
  }

  private issueLease(): void {
    if (this.state === 'closed') return;
    const options = this.leaseOptions!;
    this.leaseOut = { remaining: options.requests, expiresAt: this.scheduler.now() + options.ttl };
    this.sendFrame({ type: FrameType.LEASE, streamId: 0, ttl: options.ttl, requestCount: options.requests, metadata: null }, null);
    if (options.renew !== false) this.cancelLeaseRenewal = this.scheduler.schedule(() => this.issueLease(), options.ttl);
  }

  // ---- keepalive ---------------------------------------------------------------------------------------------------

  private scheduleKeepAlive(): void {
    if (this.state === 'closed' || this.keepAlive <= 0) return;
    this.cancelKeepAlive = this.scheduler.schedule(() => {
      this.cancelKeepAlive = null;
      if (this.state === 'closed') return;
      const silence = this.scheduler.now() - this.lastReceived;
      if (silence >= this.lifetime) {
        // RSocket "KEEPALIVE Frame" / "Handling the Unexpected": a dead peer is detected by the lack of frames
        this.shutdown(new ConnectionClosedError(
          `RSocket KEEPALIVE: nothing received from the peer for ${silence} ms (max lifetime ${this.lifetime} ms); the connection is presumed dead`,
        ), false);
        return;
      }
      if (this.role === 'client') {
        // RSocket "KEEPALIVE Frame": the client sends KEEPALIVE with the respond flag periodically
        this.sendFrame({ type: FrameType.KEEPALIVE, streamId: 0, respond: true, lastReceivedPosition: 0, data: EMPTY }, null);
      }
      this.scheduleKeepAlive();
    }, this.keepAlive);
  }

  // ---- frames out ----------------------------------------------------------------------------------------------

  private sendFragmented(stream: StreamHandler | null, streamId: number, type: number, payload: Payload, requestN: number, complete: boolean): void {
    const { data, metadata } = payload;
    const firstExtra = type === FrameType.REQUEST_STREAM || type === FrameType.REQUEST_CHANNEL ? 4 : 0;
    const whole = FRAME_HEADER_SIZE + firstExtra + (metadata === null ? 0 : 3 + metadata.length) + data.length;
    if (whole <= this.fragmentSize) {
      this.sendFrame(buildFrame(type, streamId, false, complete, requestN, data, metadata), stream);
      return;
    }
    // RSocket "Fragmentation And Reassembly": metadata first, then data; only the last fragment carries C
    const metadataLength = metadata?.length ?? 0;
    let metadataOffset = 0;
    let dataOffset = 0;
    let first = true;
    for (;;) {
      let room = this.fragmentSize - FRAME_HEADER_SIZE - (first ? firstExtra : 0);
      let metadataChunk: Uint8Array | null = null;
      if (metadata !== null && (metadataOffset < metadataLength || (first && metadataLength === 0))) {
        room -= 3;
        const take = Math.min(room, metadataLength - metadataOffset);
        metadataChunk = metadata.subarray(metadataOffset, metadataOffset + take);
        metadataOffset += take;
        room -= take;
      }
      const take = Math.min(room, data.length - dataOffset);
      const dataChunk = data.subarray(dataOffset, dataOffset + take);
      dataOffset += take;
      const last = metadataOffset >= metadataLength && dataOffset >= data.length;
      const frame = first
        ? buildFrame(type, streamId, !last, last && complete, requestN, dataChunk, metadataChunk)
        : buildFrame(FrameType.PAYLOAD, streamId, !last, last && complete, 0, dataChunk, metadataChunk);
      this.sendFrame(frame, stream);
      if (last || this.state === 'closed') return;
      first = false;
    }
  }

  private sendFrame(frame: Frame, stream: StreamHandler | null): void {
    if (this.state === 'closed') return;
    const bytes = encodeFrame(frame);
    this.framesOut++;
    this.bytesOut += bytes.length;
    if (stream !== null) {
      stream.framesOut++;
      stream.bytesOut += bytes.length;
    }
    if (!this.transport.send(bytes)) this.writable = false;
  }

  private onWritable(): void {
    if (this.state === 'closed') return;
    this.writable = true;
    this.sendGrants(); // REQUEST_N summed while the transport was full go first
    // Every stream that stopped for writability gets a turn, in the order they stopped; one that fills the transport
    // again goes back in the set (at its end) and the rest wait for the next 'drain'.
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (let i = 0; i < waiting.length; i++) {
      const stream = waiting[i]!;
      if (!this.writable) {
        for (let j = i; j < waiting.length; j++) this.waiting.add(waiting[j]!);
        return;
      }
      stream.onWritable();
    }
  }

  // ---- close ---------------------------------------------------------------------------------------------------

  private closedError(): Error {
    return new ConnectionClosedError(`RSocket connection is closed${this.closeError ? `: ${this.closeError.message}` : ''}`, { cause: this.closeError });
  }

  private shutdown(reason: Error, graceful: boolean): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closeError = reason;
    this.cancelKeepAlive?.();
    this.cancelKeepAlive = null;
    this.cancelLeaseRenewal?.();
    this.cancelLeaseRenewal = null;
    const streamError = reason instanceof ConnectionClosedError ? reason
      : new ConnectionClosedError(`RSocket connection closed: ${reason.message}`, { cause: reason });
    const streams = [...this.streams.values()];
    this.streams.clear();
    this.reassembly.clear();
    this.waiting.clear();
    this.grants.clear();
    if (this.grantTimer !== null) clearImmediate(this.grantTimer);
    this.grantTimer = null;
    for (const stream of streams) {
      try {
        stream.onClose(streamError);
      } catch (error) {
        reportError(error);
      }
    }
    const waiters = this.leaseWaiters;
    this.leaseWaiters = [];
    for (const resolve of waiters) resolve();
    this.responder = null; // §3.13 the handler and everything it holds are released with the connection
    this.transport.close(graceful ? undefined : reason);
    this.resolveClosed(graceful && !(reason instanceof RSocketError) ? null : reason);
  }

  private allocateStreamId(): number {
    // RSocket "Stream Identifiers": ids increase by 2; after 2^31−1 they wrap, skipping ids still in use. Among
    // streams.size + 1 consecutive candidates at least one is free, so the search fails only when every id of our
    // parity is in use (2^30 live streams), the one case where the protocol says no new stream can be created.
    const attemptsLimit = Math.min(this.streams.size + 1, 2 ** 30);
    for (let attempts = 0; attempts < attemptsLimit; attempts++) {
      let id = this.nextStreamId;
      if (id > MAX_31) id = this.role === 'client' ? 1 : 2;
      this.nextStreamId = id + 2;
      if (!this.streams.has(id)) return id;
    }
    return 0;
  }

  private subscribeRequester(subscriber: Subscriber<Payload>, kind: StreamKind, payload: Payload, outbound: Publisher<Payload> | null): void {
    if (this.state === 'closed') {
      // §1.9 a publisher that cannot serve the subscriber says so with onError right after onSubscribe
      if (signal(() => subscriber.onSubscribe({ request() {}, cancel() {} }))) signal(() => subscriber.onError(this.closedError()));
      return;
    }
    const stream = new RequesterStream(this, kind, payload, subscriber, outbound === null ? null : toFlow(outbound));
    if (!signal(() => subscriber.onSubscribe(stream))) stream.cancel();
  }
}

function buildFrame(type: number, streamId: number, follows: boolean, complete: boolean, requestN: number, data: Uint8Array, metadata: Uint8Array | null): Frame {
  switch (type) {
    case FrameType.REQUEST_STREAM:
      return { type, streamId, follows, requestN, data, metadata };
    case FrameType.REQUEST_CHANNEL:
      return { type, streamId, follows, complete, requestN, data, metadata };
    case FrameType.REQUEST_RESPONSE:
    case FrameType.REQUEST_FNF:
      return { type, streamId, follows, data, metadata };
    default:
      return { type: FrameType.PAYLOAD, streamId, follows, complete, next: true, data, metadata };
  }
}

function joinFragments(pending: Reassembly): Payload {
  return { data: concat(pending.data), metadata: pending.hasMetadata ? concat(pending.metadata) : null };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 0) return EMPTY;
  if (chunks.length === 1) return chunks[0]!;
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

function toSetupInfo(frame: SetupFrame): SetupInfo {
  return {
    majorVersion: frame.majorVersion, minorVersion: frame.minorVersion, keepAlive: frame.keepAlive, lifetime: frame.lifetime,
    lease: frame.lease, dataMimeType: frame.dataMimeType, metadataMimeType: frame.metadataMimeType,
    payload: { data: frame.data.slice(), metadata: frame.metadata === null ? null : frame.metadata.slice() },
  };
}

function isPublisher(value: unknown): value is Publisher<Payload> {
  return value != null && typeof (value as Publisher<Payload>).subscribe === 'function';
}

function isPayload(value: unknown): value is Payload {
  return value != null && (value as Payload).data instanceof Uint8Array
    && ((value as Payload).metadata === null || (value as Payload).metadata instanceof Uint8Array);
}

function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in ${min}…${max}, got ${String(value)}`);
  }
  return value;
}

