import type { FrameType } from './constants';

/**
 * One decoded RSocket frame. Byte fields (`data`, `metadata`, `resumeToken`) are views into the received buffer:
 * decoding copies nothing and allocates nothing beyond the frame (strings excepted: MIME types, error messages).
 * `metadata` is `null` when the M flag is absent, which differs from present-but-empty.
 */
export type Frame =
  | SetupFrame
  | LeaseFrame
  | KeepAliveFrame
  | RequestResponseFrame
  | RequestFnfFrame
  | RequestStreamFrame
  | RequestChannelFrame
  | RequestNFrame
  | CancelFrame
  | PayloadFrame
  | ErrorFrame
  | MetadataPushFrame
  | ExtFrame
  | UnsupportedFrame;

interface Header {
  streamId: number;
  /** The raw 10 flag bits as received (or as they will be sent, recomputed from the fields by the encoder). */
  flags?: number;
  /** I flag: the receiver may ignore this frame if it does not understand it. */
  ignore?: boolean;
}

export interface SetupFrame extends Header {
  type: typeof FrameType.SETUP;
  majorVersion: number;
  minorVersion: number;
  keepAlive: number;
  lifetime: number;
  /** Present when the R (resume enable) flag is set. */
  resumeToken: Uint8Array | null;
  lease: boolean;
  metadataMimeType: string;
  dataMimeType: string;
  data: Uint8Array;
  metadata: Uint8Array | null;
}

export interface LeaseFrame extends Header {
  type: typeof FrameType.LEASE;
  ttl: number;
  requestCount: number;
  metadata: Uint8Array | null;
}

export interface KeepAliveFrame extends Header {
  type: typeof FrameType.KEEPALIVE;
  respond: boolean;
  /** Resume position; 0 when resumption is not used. Read as a number (exact below 2^53). */
  lastReceivedPosition: number;
  data: Uint8Array;
}

export interface RequestResponseFrame extends Header {
  type: typeof FrameType.REQUEST_RESPONSE;
  follows: boolean;
  data: Uint8Array;
  metadata: Uint8Array | null;
}

export interface RequestFnfFrame extends Header {
  type: typeof FrameType.REQUEST_FNF;
  follows: boolean;
  data: Uint8Array;
  metadata: Uint8Array | null;
}

export interface RequestStreamFrame extends Header {
  type: typeof FrameType.REQUEST_STREAM;
  follows: boolean;
  /** Signed 32-bit as read: 0 or negative values are a peer's violation for the connection to answer. */
  requestN: number;
  data: Uint8Array;
  metadata: Uint8Array | null;
}

export interface RequestChannelFrame extends Header {
  type: typeof FrameType.REQUEST_CHANNEL;
  follows: boolean;
  complete: boolean;
  requestN: number;
  data: Uint8Array;
  metadata: Uint8Array | null;
}

export interface RequestNFrame extends Header {
  type: typeof FrameType.REQUEST_N;
  /** Signed 32-bit as read (see RequestStreamFrame.requestN). */
  requestN: number;
}

export interface CancelFrame extends Header {
  type: typeof FrameType.CANCEL;
}

export interface PayloadFrame extends Header {
  type: typeof FrameType.PAYLOAD;
  follows: boolean;
  complete: boolean;
  next: boolean;
  data: Uint8Array;
  metadata: Uint8Array | null;
}

export interface ErrorFrame extends Header {
  type: typeof FrameType.ERROR;
  /** Unsigned 32-bit error code. */
  code: number;
  message: string;
}

export interface MetadataPushFrame extends Header {
  type: typeof FrameType.METADATA_PUSH;
  metadata: Uint8Array;
}

export interface ExtFrame extends Header {
  type: typeof FrameType.EXT;
  extendedType: number;
  /** Everything after the extended type (the frame carries no metadata length convention of its own). */
  body: Uint8Array;
}

/**
 * A frame type this implementation does not process (RESUME, RESUME_OK, reserved or unassigned codes). Decoded
 * far enough for the connection to honour the I flag: ignore it, or answer with ERROR[CONNECTION_ERROR].
 */
export interface UnsupportedFrame extends Header {
  type: 'unsupported';
  /** The frame type code as received. */
  frameType: number;
  body: Uint8Array;
}
