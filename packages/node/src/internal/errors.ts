/** Core's one `toError` (re-exported so the bridges' imports stay local). */
export { toError } from '@sluice/core/engine';

/** The error a bridge surfaces when a Node stream closes before it ended or finished normally. */
export function prematureCloseError(bridge: string, what: string): Error {
  const error = new Error(`${bridge}: premature close: the ${what} closed before it ${what === 'readable' ? 'ended' : 'finished'}`);
  (error as NodeJS.ErrnoException).code = 'ERR_STREAM_PREMATURE_CLOSE';
  return error;
}

/** The reason an aborted AbortSignal carries, as an Error (an `AbortError` DOMException unless the caller gave one). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new DOMException(reason === undefined ? 'This operation was aborted' : String(reason), 'AbortError');
}

/** Eager option validation for AbortSignal options. */
export function requireSignal(bridge: string, signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (signal === null || typeof signal !== 'object' || typeof (signal as AbortSignal).aborted !== 'boolean') {
    throw new TypeError(`${bridge}: options.signal must be an AbortSignal, got ${String(signal)}`);
  }
  return signal as AbortSignal;
}

/** Eager validation of a positive integer option. */
export function requirePositiveInteger(bridge: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${bridge}: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/** Eager validation of a non-negative integer option (high-water marks may be 0). */
export function requireNonNegativeInteger(bridge: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${bridge}: ${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}
