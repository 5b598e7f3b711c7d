/** An error of @sluice/redis: `code` says what went wrong, the message says what to do about it. */
export class RedisStreamError extends Error {
  readonly code: RedisStreamErrorCode;

  constructor(code: RedisStreamErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisStreamError';
    this.code = code;
  }
}

export type RedisStreamErrorCode =
  | 'NOGROUP' // the stream or its consumer group does not exist
  | 'DISCONNECTED' // the connection dropped mid-stream and the source was told to fail (or did not get back in time)
  | 'READ_TIMEOUT' // a blocking read outlived BLOCK + the grace (a dead connection), with onDisconnect: 'fail'
  | 'OVERSIZED' // an entry (read or written) is larger than maxEntryBytes
  | 'DECODE' // decode threw for an entry and no dead-letter stream is configured
  | 'REPLY'; // any other error reply from the server

export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value), { cause: value });
}

export function requirePositiveInteger(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${where}: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

export function requireNonNegativeInteger(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RangeError(`${where}: ${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

export function requireName(where: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${where}: ${name} must be a non-empty string, got ${String(value)}`);
  return value;
}

/** True for an error reply from the server (ioredis's ReplyError), as opposed to a connection failure. */
export function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}
