/** An error of @sluice/nats: `code` says what went wrong, the message says what to do about it. */
export class NatsStreamError extends Error {
  readonly code: NatsStreamErrorCode;

  constructor(code: NatsStreamErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NatsStreamError';
    this.code = code;
  }
}

export type NatsStreamErrorCode =
  | 'NOT_FOUND' // the stream or the consumer does not exist (or was deleted mid-stream)
  | 'CONFIG' // the consumer cannot be used as a pull source (push-based, not explicit ack, a request over its limits)
  | 'DISCONNECTED' // the connection dropped and the source was told to fail (or it did not come back in time)
  | 'PULL_TIMEOUT' // a pull saw neither messages nor heartbeats in time (a dead pull), with onDisconnect: 'fail'
  | 'OVERSIZED' // a message (read or written) is larger than the limit
  | 'DECODE' // decode threw for a message and no dead-letter subject is configured
  | 'PUBLISH' // a publish was rejected or its PubAck did not come
  | 'ACK' // an ack, nak or term could not be sent or was not confirmed
  | 'SERVER'; // any other error from the server

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

/** JetStream API error codes (`err_code`) this package tells apart. */
export const STREAM_NOT_FOUND = 10059;
export const CONSUMER_NOT_FOUND = 10014;

/** The JetStream API error code of an error thrown by @nats-io/jetstream, if any. */
export function apiErrorCode(error: unknown): number | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number') return code;
  const api = (error as { api_error?: { err_code?: unknown } }).api_error;
  return typeof api?.err_code === 'number' ? api.err_code : undefined;
}
