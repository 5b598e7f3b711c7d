/**
 * The options every sink validates, in a module that imports nothing: `Flow.ts` reaches it through
 * `[Symbol.asyncIterator]`, so it must not lead back to the Flow class (ADR 0014, decision 9).
 */

/** The default prefetch of `forEach` and `toAsyncIterable` (Reactor's small buffer size). */
export const DEFAULT_SINK_PREFETCH = 256;

/** The options every promise sink accepts. */
export interface SinkOptions {
  /** Aborting cancels upstream and rejects the promise with `signal.reason`. */
  signal?: AbortSignal;
}

/** Validates an optional AbortSignal at call time. */
export function requireAbortSignal(sink: string, signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  const candidate = signal as AbortSignal | null;
  if (candidate === null || typeof candidate !== 'object' || typeof candidate.addEventListener !== 'function' || typeof candidate.aborted !== 'boolean') {
    throw new TypeError(`${sink}: signal must be an AbortSignal, got ${String(signal)}`);
  }
  return candidate;
}

/** Validates the options object of a sink. */
export function requireOptions<O extends object>(sink: string, options: O | undefined): O | Record<string, never> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') throw new TypeError(`${sink}: options must be an object, got ${String(options)}`);
  return options;
}
