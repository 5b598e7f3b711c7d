import type { Payload } from '../Payload';

export type StreamKind = 'stream' | 'channel' | 'response' | 'fnf';

/** What `inspect()` reports for one live stream. */
export interface StreamSnapshot {
  readonly streamId: number;
  readonly kind: StreamKind;
  readonly role: 'requester' | 'responder';
  /**
   * Credit this side granted the peer and the peer has not used yet (items the peer may still send us).
   * 2^31−1 means unbounded.
   */
  readonly creditGranted: number;
  /** Credit the peer granted this side and this side has not used yet (items we may still send). */
  readonly creditReceived: number;
  /** Items received from the local producer and not yet written to the transport (bounded by `prefetch`). */
  readonly bufferedFrames: number;
  /** Items requested from the local producer and not yet received (at most `prefetch`). */
  readonly upstreamRequested: number;
  readonly framesIn: number;
  readonly framesOut: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

/** The connection's side of a stream. */
export interface StreamHandler {
  readonly streamId: number;
  readonly kind: StreamKind;
  readonly role: 'requester' | 'responder';
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  /** A PAYLOAD (reassembled), REQUEST_N, CANCEL or ERROR for this stream. */
  onPayload(payload: Payload | null, complete: boolean): void;
  onRequestN(n: number): void;
  onCancel(): void;
  onError(code: number, message: string): void;
  /** The transport became writable again and this stream asked to be told. */
  onWritable(): void;
  /** A local violation on this stream (an oversized reassembly): end it on both sides with `error`. */
  onLocalError(error: Error): void;
  /** The connection closed: end every local signal with `error`, release references. */
  onClose(error: Error): void;
  inspect(): StreamSnapshot;
}
