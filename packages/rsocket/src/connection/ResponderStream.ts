import { Flow, type Publisher, type Subscriber, type Subscription } from '@sluice/core';
import { ErrorCode, MAX_31 } from '../frame/constants';
import { RSocketError, toWireError } from '../errors';
import type { Payload } from '../Payload';
import { OutboundSender } from './OutboundSender';
import { signal } from './RequesterStream';
import type { RSocketConnection } from './RSocketConnection';
import type { StreamHandler, StreamKind, StreamSnapshot } from './types';

/**
 * The responder's side of REQUEST_STREAM, REQUEST_CHANNEL and REQUEST_RESPONSE. The handler's Publisher is driven by
 * an OutboundSender: it is asked exactly for what the requester granted (initial N, then each REQUEST_N), in
 * batches of at most `prefetch`, and only while the transport is writable. For a channel, the handler also gets the
 * requester's payloads as `inbound`, a Flow whose `request(n)` becomes REQUEST_N(n) frames to the requester.
 */
export class ResponderStream implements StreamHandler {
  readonly kind: StreamKind;
  readonly role = 'responder' as const;
  readonly streamId: number;
  framesIn = 0;
  framesOut = 0;
  bytesIn = 0;
  bytesOut = 0;
  private connection: RSocketConnection | null;
  private sender: OutboundSender | null = null;
  private readonly initialCredit: number;
  private outboundDone = false;
  /** Channel only: the requester's half. */
  private inbound: ChannelInbound | null;

  constructor(connection: RSocketConnection, streamId: number, kind: StreamKind, initialCredit: number, inboundComplete: boolean) {
    this.connection = connection;
    this.streamId = streamId;
    this.kind = kind;
    this.initialCredit = initialCredit;
    this.inbound = kind === 'channel' ? new ChannelInbound(this, inboundComplete) : null;
  }

  /** The Flow of the requester's payloads that a channel handler receives (subscribe once). */
  inboundFlow(): Flow<Payload> {
    const inbound = this.inbound;
    return new Flow<Payload>((subscriber) => {
      if (inbound === null || !inbound.attach(subscriber)) {
        subscriber.onSubscribe({ request() {}, cancel() {} });
        signal(() => subscriber.onError(new Error('requestChannel: the inbound Flow of a channel can be subscribed only once, while the channel is open')));
      }
    });
  }

  /** Starts driving the handler's Publisher. */
  start(publisher: Publisher<Payload>): void {
    const connection = this.connection;
    if (connection === null) return;
    this.sender = new OutboundSender(
      connection, this, publisher, this.initialCredit, connection.prefetch, this.kind === 'response', (error) => this.outboundFinished(error),
    );
  }

  /** The handler threw or returned no Publisher. */
  failHandler(error: unknown): void {
    this.outboundFinished(error);
  }

  onPayload(payload: Payload | null, complete: boolean): void {
    const inbound = this.inbound;
    if (inbound === null) return; // RSocket "Handling the Unexpected": ignored
    if (!inbound.push(payload, complete)) {
      this.terminate(ErrorCode.INVALID, `§1.1: the requester sent a PAYLOAD on channel ${this.streamId} beyond the credit granted`);
    }
  }

  onRequestN(n: number): void {
    this.sender?.addCredit(n);
  }

  onCancel(): void {
    // RSocket "Request Stream"/"Request Channel": upon receiving a CANCEL the stream is terminated on the responder
    this.sender?.cancel();
    this.sender = null;
    this.outboundDone = true;
    const inbound = this.inbound;
    this.inbound = null;
    inbound?.fail(new RSocketError(ErrorCode.CANCELED, `the requester cancelled channel ${this.streamId}`));
    this.release();
  }

  onError(code: number, message: string): void {
    // an ERROR from the requester (channel) terminates the stream on both sides
    this.sender?.cancel();
    this.sender = null;
    this.outboundDone = true;
    const inbound = this.inbound;
    this.inbound = null;
    inbound?.fail(new RSocketError(code, message));
    this.release();
  }

  onWritable(): void {
    this.sender?.resume();
  }

  onLocalError(error: Error): void {
    this.terminate(ErrorCode.INVALID, error.message);
  }

  onClose(error: Error): void {
    this.sender?.cancel();
    this.sender = null;
    const inbound = this.inbound;
    this.inbound = null;
    inbound?.fail(error);
    this.connection = null;
  }

  inspect(): StreamSnapshot {
    return {
      streamId: this.streamId, kind: this.kind, role: 'responder',
      creditGranted: this.inbound?.granted ?? 0, creditReceived: this.sender?.credit ?? 0,
      bufferedFrames: this.sender?.buffered ?? 0, upstreamRequested: this.sender?.outstanding ?? 0,
      framesIn: this.framesIn, framesOut: this.framesOut, bytesIn: this.bytesIn, bytesOut: this.bytesOut,
    };
  }

  // ---- used by ChannelInbound ------------------------------------------------------------------------------------

  get live(): RSocketConnection | null {
    return this.connection;
  }

  inboundFinished(): void {
    this.inbound = null;
    if (this.outboundDone) this.release();
  }

  private outboundFinished(error: unknown): void {
    this.sender = null;
    this.outboundDone = true;
    const connection = this.connection;
    if (connection === null) return;
    if (error !== null) {
      const wire = toWireError(error);
      this.terminate(wire.code, wire.message, error);
      return;
    }
    const inbound = this.inbound;
    if (inbound !== null && !inbound.isAttached) inbound.cancel(); // the handler never subscribed to it: stop the requester
    if (this.inbound === null) this.release();
  }

  /** Sends ERROR: the stream ends on both sides (the handler's inbound, if any, fails too). */
  private terminate(code: number, message: string, cause?: unknown): void {
    const connection = this.connection;
    this.sender?.cancel();
    this.sender = null;
    this.outboundDone = true;
    const inbound = this.inbound;
    this.inbound = null;
    inbound?.fail(cause instanceof Error ? cause : new RSocketError(code, message));
    if (connection !== null) connection.sendError(this, code, message);
    this.release();
  }

  private release(): void {
    const connection = this.connection;
    this.connection = null;
    connection?.removeStream(this);
  }
}

/** A channel responder's view of the requester's payloads: the Subscription of the handler's `inbound` Flow. */
class ChannelInbound implements Subscription {
  private readonly stream: ResponderStream;
  private downstream: Subscriber<Payload> | null = null;
  private attached = false;
  private done = false;
  private completedEarly: boolean;
  private demand = 0;
  granted = 0;

  constructor(stream: ResponderStream, completedEarly: boolean) {
    this.stream = stream;
    this.completedEarly = completedEarly;
  }

  get isAttached(): boolean {
    return this.attached;
  }

  attach(subscriber: Subscriber<Payload>): boolean {
    if (this.attached || this.done) return false;
    this.attached = true;
    this.downstream = subscriber;
    if (!signal(() => subscriber.onSubscribe(this))) {
      this.cancel();
      return true;
    }
    if (this.completedEarly && this.downstream !== null) this.complete(); // REQUEST_CHANNEL carried C
    return true;
  }

  request(n: number): void {
    const downstream = this.downstream;
    if (downstream === null || this.done) return; // §3.6
    if (!(typeof n === 'number' && n > 0 && (n === Infinity || Number.isInteger(n)))) {
      this.cancel();
      signal(() => downstream.onError(new RangeError(`§3.9: request(n) needs a positive integer or Infinity (non-positive subscription request), got ${String(n)}`)));
      return;
    }
    this.demand = this.demand + n >= Number.MAX_SAFE_INTEGER ? Infinity : this.demand + n;
    const grant = this.granted === MAX_31 ? 0 : Math.min(n, MAX_31 - this.granted);
    if (grant === 0) return;
    this.granted += grant;
    this.stream.live?.grant(this.stream, grant); // summed per turn into one REQUEST_N (ADR 0003)
  }

  cancel(): void {
    if (this.done) return; // §3.7
    this.done = true;
    this.downstream = null; // §3.13
    const connection = this.stream.live;
    // half-close: the requester stops sending; the responder's own outbound continues
    connection?.dropGrant(this.stream); // no REQUEST_N after our CANCEL
    connection?.sendCancel(this.stream);
    this.stream.inboundFinished();
  }

  /** A payload (or completion) from the requester; false when it exceeds the credit granted. */
  push(payload: Payload | null, complete: boolean): boolean {
    if (this.done) return true;
    if (payload !== null) {
      const downstream = this.downstream;
      if (downstream === null || this.demand <= 0 || this.granted === 0) return false;
      if (this.demand !== Infinity) this.demand--;
      if (this.granted !== MAX_31) this.granted--;
      if (!signal(() => downstream.onNext(payload))) {
        this.cancel();
        return true;
      }
    }
    if (complete) {
      if (this.downstream === null) this.completedEarly = true;
      else this.complete();
    }
    return true;
  }

  fail(error: Error): void {
    if (this.done) return;
    this.done = true;
    const downstream = this.downstream;
    this.downstream = null;
    if (downstream !== null) signal(() => downstream.onError(error));
  }

  private complete(): void {
    if (this.done) return;
    this.done = true;
    this.stream.live?.dropGrant(this.stream); // no REQUEST_N for a finished inbound
    const downstream = this.downstream;
    this.downstream = null;
    this.stream.inboundFinished();
    if (downstream !== null) signal(() => downstream.onComplete());
  }
}
