import { ErrorCode, errorCodeName } from './frame/constants';

/**
 * An error that crosses the wire as an ERROR frame. Throw (or signal `onError` with) an `RSocketError` in a handler
 * to choose the code; any other error is sent as APPLICATION_ERROR with its message. Errors received from the peer
 * arrive as `RSocketError` with the peer's code and message.
 */
export class RSocketError extends Error {
  readonly code: number;
  constructor(code: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code >>> 0;
    this.name = 'RSocketError';
  }
  /** The code's protocol name (`APPLICATION_ERROR`, `REJECTED`, …) or its hex value for application codes. */
  get codeName(): string {
    return errorCodeName(this.code);
  }
  override toString(): string {
    return `RSocketError[${this.codeName}]: ${this.message}`;
  }
}

/** A frame that cannot be decoded. `ignorable` is the frame's I flag, when its header could be read. */
export class ProtocolError extends Error {
  readonly ignorable: boolean;
  constructor(message: string, ignorable = false) {
    super(message);
    this.ignorable = ignorable;
    this.name = 'ProtocolError';
  }
}

/** Every stream still open when its connection closes ends with this error; `cause` says why it closed. */
export class ConnectionClosedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectionClosedError';
  }
}

/** A request the local requester refused to send because the peer's LEASE does not allow it. */
export class LeaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LeaseError';
  }
}

/** Maps any error a handler produced to the code and message of the ERROR frame that carries it. */
export function toWireError(error: unknown): { code: number; message: string } {
  if (error instanceof RSocketError) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: ErrorCode.APPLICATION_ERROR, message: error.message || error.name };
  return { code: ErrorCode.APPLICATION_ERROR, message: String(error) };
}
