/** Extra facts a failure carries besides its message. */
export interface FailureDetails {
  /**
   * The failure proves a REQUIRED rule broken (a violation the probe recorded, starvation of a subscriber with
   * demand): an optional test reports it as a failure, never as a skip.
   */
  readonly required?: boolean;
  /** Every violation the test observed, in order (the message names the first; this lists them all). */
  readonly violations?: readonly string[];
  /** Replace the catalogue's "if this fails, check…" hints when the situation makes them misleading. */
  readonly hints?: readonly string[];
}

/** A failed check. The message always starts with `§x.y:` (or `setup:` for configuration problems). */
export class TckFailure extends Error {
  readonly details: FailureDetails;
  constructor(message: string, details: FailureDetails = {}) {
    super(message);
    this.name = 'TckFailure';
    this.details = details;
  }
}

/** The test cannot run (or decide anything) for this implementation; `message` is the reason. */
export class TckSkip extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TckSkip';
  }
}

/** The `Error` subclass the TCK sends through `onError` (the JVM TCK's `TestException`). */
export class TestException extends Error {
  constructor(message = 'Test Exception: Boom!') {
    super(message);
    this.name = 'TestException';
  }
}

export function fail(rule: string, message: string, details?: FailureDetails): never {
  throw new TckFailure(`§${rule}: ${message}`, details);
}

export function skip(reason: string): never {
  throw new TckSkip(reason);
}

/** Renders any value for a message: elements, errors, requests (`-0`, `NaN`, `Infinity` kept readable). */
export function show(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Error) return `${value.name}(${JSON.stringify(value.message)})`;
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json.length > 80 ? json.slice(0, 77) + '...' : json;
  } catch {
    // fall through
  }
  return Object.prototype.toString.call(value);
}

export function showList(values: readonly unknown[], max = 20): string {
  const shown = values.slice(0, max).map(show);
  if (values.length > max) shown.push(`… ${values.length - max} more`);
  return `[${shown.join(',')}]`;
}

/** Text of a thrown value, for messages. */
export function describeThrown(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : show(error);
}
