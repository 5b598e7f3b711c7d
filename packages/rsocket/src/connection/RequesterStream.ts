import { reportError, type Publisher, type Subscriber, type Subscription } from '@sluice/core';
import { ErrorCode, MAX_31 } from '../frame/constants';
import { RSocketError, toWireError } from '../errors';
import type { Payload } from '../Payload';
import { OutboundSender } from './OutboundSender';
import type { RSocketConnection } from './RSocketConnection';
import type { StreamHandler, StreamKind, StreamSnapshot } from './types';

/**
 * The requester's side of REQUEST_STREAM, REQUEST_CHANNEL and REQUEST_RESPONSE, as the Subscription of the Flow
 * that `requestStream`/`requestChannel`/`requestResponseFlow` return.
 *
 * Demand crosses the wire unchanged: the first `request(n)` sends the request frame with initial request N = n,
 * every later `request(n)` becomes REQUEST_N credit. The credit granted to the peer accumulates exactly and is capped at
 * 2^31−1, which the protocol treats as unbounded (so `request(Infinity)` sends 2^31−1 and nothing after). Later
 * grants of one event-loop turn are summed into one REQUEST_N sent at the end of the turn, and while the transport
 * is not writable they are summed until it drains (`RSocketConnection.grant`, ADR 0003): exact in total, fewer frames.
 * A PAYLOAD beyond the credit granted is a peer violation: the stream is cancelled and fails with a §1.1 error.
 */
export class RequesterStream implements Subscription, StreamHandler {
  readonly kind: StreamKind;
  readonly role = 'requester' as const;
  streamId = 0;
  framesIn = 0;
  framesOut = 0;
  bytesIn = 0;
  bytesOut = 0;
  private connection: RSocketConnection | null;
  private downstream: Subscriber<Payload> | null;
  private requestPayload: Payload | null;
  private outbound: Publisher<Payload> | null;
  private sender: OutboundSender | null = null;
  /** Items the downstream asked for and has not received. */
  private demand = 0;
  /** Credit granted to the peer and not yet used (MAX_31 = unbounded, never counted down). */
  private granted = 0;
  private started = false;
  private inboundDone = false;
  private outboundDone = false;

  constructor(connection: RSocketConnection, kind: StreamKind, request: Payload, downstream: Subscriber<Payload>, outbound: Publisher<Payload> | null) {
    this.connection = connection;
    this.kind = kind;
    this.requestPayload = request;
    this.downstream = downstream;
    this.outbound = outbound;
    this.outboundDone = outbound === null;
  }

  request(n: number): void {
    const connection = this.connection;
    if (connection === null || this.downstream === null || this.inboundDone) return; // §3.6
    if (!(typeof n === 'number' && n > 0 && (n === Infinity || Number.isInteger(n)))) {
      // §3.9 signalled, never thrown (§3.16); the remote stream is cancelled first
      this.fail(new RangeError(`§3.9: request(n) needs a positive integer or Infinity (non-positive subscription request), got ${String(n)}`), true);
      return;
    }
    this.demand = this.demand + n >= Number.MAX_SAFE_INTEGER ? Infinity : this.demand + n;
    if (this.kind === 'response') {
      if (this.started) return;
      this.started = true;
      this.granted = 1;
    } else {
      const grant = this.granted === MAX_31 ? 0 : Math.min(n, MAX_31 - this.granted); // capped at 2^31−1
      this.granted += grant;
      if (this.started) {
        if (grant !== 0) connection.grant(this, grant); // summed per turn into one REQUEST_N
        return;
      }
      this.started = true;
    }
    const request = this.requestPayload!;
    this.requestPayload = null;
    const error = connection.startRequest(this, request, this.granted);
    if (error !== null) this.fail(error, false);
  }

  cancel(): void {
    if (this.downstream === null) return; // §3.7
    const connection = this.connection;
    const wasLive = this.started && connection !== null && connection.hasStream(this);
    this.release();
    if (wasLive) connection!.sendCancel(this); // cancels the whole stream; our outbound stops too
  }

  // ---- frames from the peer ----------------------------------------------------------------------------------

  onPayload(payload: Payload | null, complete: boolean): void {
    const downstream = this.downstream;
    if (downstream === null || this.inboundDone) return;
    if (this.kind === 'response') complete = true; // RSocket "Handling the Unexpected": a response is always complete
    if (payload !== null) {
      if (this.demand <= 0 || this.granted === 0) {
        this.fail(new RSocketError(ErrorCode.INVALID, `§1.1: the peer sent a PAYLOAD on stream ${this.streamId} beyond the credit granted`), true);
        return;
      }
      if (this.demand !== Infinity) this.demand--;
      if (this.granted !== MAX_31) this.granted--;
    }
    if (complete) {
      this.inboundDone = true;
      this.connection?.dropGrant(this); // no REQUEST_N for a finished inbound
      if (this.outboundDone) this.release();
      else this.downstream = null; // the channel's outbound half is still open
      if (payload !== null && !signal(() => downstream.onNext(payload))) return;
      signal(() => downstream.onComplete());
      return;
    }
    if (payload !== null) signal(() => downstream.onNext(payload), () => this.cancel());
  }

  onRequestN(n: number): void {
    if (this.kind !== 'channel' || this.outboundDone || this.connection === null) return;
    if (this.sender === null) {
      const outbound = this.outbound!;
      this.outbound = null;
      this.sender = new OutboundSender(this.connection, this, outbound, 0, this.connection.prefetch, false, (error) => this.outboundFinished(error));
    }
    this.sender.addCredit(n);
  }

  onCancel(): void {
    // channel: the responder wants no more of our outbound; our inbound continues
    if (this.kind !== 'channel' || this.outboundDone) return;
    this.outboundDone = true;
    this.outbound = null;
    this.sender?.cancel();
    this.sender = null;
    if (this.inboundDone) this.connection?.removeStream(this);
  }

  onError(code: number, message: string): void {
    this.fail(new RSocketError(code, message), false);
  }

  onWritable(): void {
    const connection = this.connection;
    if (connection === null) return;
    this.sender?.resume();
  }

  onLocalError(error: Error): void {
    this.fail(error, true);
  }

  onClose(error: Error): void {
    this.fail(error, false);
  }

  inspect(): StreamSnapshot {
    return {
      streamId: this.streamId, kind: this.kind, role: 'requester',
      creditGranted: this.granted, creditReceived: this.sender?.credit ?? 0,
      bufferedFrames: this.sender?.buffered ?? 0, upstreamRequested: this.sender?.outstanding ?? 0,
      framesIn: this.framesIn, framesOut: this.framesOut, bytesIn: this.bytesIn, bytesOut: this.bytesOut,
    };
  }

  // ---- internals -----------------------------------------------------------------------------------------------

  private outboundFinished(error: unknown): void {
    this.outboundDone = true;
    this.sender = null;
    const connection = this.connection;
    if (connection === null) return;
    if (error !== null) {
      // RSocket "Request Channel": an ERROR from the requester terminates the stream on both sides
      connection.sendError(this, ErrorCode.APPLICATION_ERROR, toWireError(error).message);
      const downstream = this.downstream;
      this.release();
      if (downstream !== null) signal(() => downstream.onError(error instanceof Error ? error : new Error(String(error))));
      return;
    }
    if (this.inboundDone) this.release();
  }

  private fail(error: Error, sendCancel: boolean): void {
    const downstream = this.downstream;
    const connection = this.connection;
    const live = sendCancel && this.started && connection !== null && connection.hasStream(this);
    this.release();
    if (live) connection!.sendCancel(this);
    if (downstream !== null) signal(() => downstream.onError(error));
  }

  /** §3.13: drops the subscriber, the request, the outbound publisher and the stream's registration. */
  private release(): void {
    this.downstream = null;
    this.requestPayload = null;
    this.outbound = null;
    this.inboundDone = true;
    this.outboundDone = true;
    const sender = this.sender;
    this.sender = null;
    sender?.cancel();
    const connection = this.connection;
    this.connection = null;
    connection?.removeStream(this);
  }
}

/** Calls a downstream signal method; a throwing subscriber is treated as cancelled and its error reported (§2.13). */
export function signal(call: () => void, onThrow?: () => void): boolean {
  try {
    call();
    return true;
  } catch (error) {
    onThrow?.();
    reportError(error);
    return false;
  }
}

