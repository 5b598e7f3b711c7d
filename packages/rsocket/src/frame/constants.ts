// Wire constants of RSocket 1.0 (Protocol.md, "Frame Types", "Error Codes", the per-frame flag layouts).

export const FrameType = {
  SETUP: 0x01,
  LEASE: 0x02,
  KEEPALIVE: 0x03,
  REQUEST_RESPONSE: 0x04,
  REQUEST_FNF: 0x05,
  REQUEST_STREAM: 0x06,
  REQUEST_CHANNEL: 0x07,
  REQUEST_N: 0x08,
  CANCEL: 0x09,
  PAYLOAD: 0x0a,
  ERROR: 0x0b,
  METADATA_PUSH: 0x0c,
  RESUME: 0x0d,
  RESUME_OK: 0x0e,
  EXT: 0x3f,
} as const;
export type FrameTypeCode = (typeof FrameType)[keyof typeof FrameType];

/** The 10 flag bits, as they sit in the low bits of the 16-bit type-and-flags field. */
export const Flags = {
  IGNORE: 0x200,
  METADATA: 0x100,
  /** SETUP: resume enable. KEEPALIVE: respond (same bit, 0x80). */
  RESUME_ENABLE: 0x80,
  RESPOND: 0x80,
  /** SETUP: will honour LEASE. */
  LEASE: 0x40,
  /** PAYLOAD and REQUEST_*: more fragments follow. */
  FOLLOWS: 0x80,
  /** PAYLOAD and REQUEST_CHANNEL: stream completion. */
  COMPLETE: 0x40,
  /** PAYLOAD: an onNext. */
  NEXT: 0x20,
} as const;

export const ErrorCode = {
  INVALID_SETUP: 0x00000001,
  UNSUPPORTED_SETUP: 0x00000002,
  REJECTED_SETUP: 0x00000003,
  REJECTED_RESUME: 0x00000004,
  CONNECTION_ERROR: 0x00000101,
  CONNECTION_CLOSE: 0x00000102,
  APPLICATION_ERROR: 0x00000201,
  REJECTED: 0x00000202,
  CANCELED: 0x00000203,
  INVALID: 0x00000204,
} as const;

/** The name of an error code, for messages (application codes 0x301… print as hex). */
export function errorCodeName(code: number): string {
  for (const [name, value] of Object.entries(ErrorCode)) if (value === code) return name;
  return `0x${code.toString(16).padStart(8, '0')}`;
}

export function frameTypeName(type: number): string {
  for (const [name, value] of Object.entries(FrameType)) if (value === type) return name;
  return `0x${type.toString(16).padStart(2, '0')}`;
}

/** 2^31−1: the largest stream id, request N, TTL, keepalive interval or lifetime; as request N it means unbounded. */
export const MAX_31 = 0x7fffffff;
/** 2^24−1: the largest frame (header + body) and the largest metadata length field. */
export const MAX_24 = 0xffffff;
export const FRAME_HEADER_SIZE = 6;
export const MAJOR_VERSION = 1;
export const MINOR_VERSION = 0;
