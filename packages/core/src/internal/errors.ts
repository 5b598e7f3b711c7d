import { describeValue } from './demand';

/**
 * The stable `code` of every error these factories and classes create (docs/errors.md): branch on `error.code`, never
 * on the message. The code is a non-enumerable property (or a prototype getter for the classes), so `toEqual`
 * comparisons of errors and JSON logs stay as they were.
 */
export type SluiceErrorCode =
  | 'ERR_SLUICE_INVALID_REQUEST'
  | 'ERR_SLUICE_NULL_SUBSCRIBER'
  | 'ERR_SLUICE_NULL_SIGNAL'
  | 'ERR_SLUICE_NULL_RESULT'
  | 'ERR_SLUICE_OVER_DELIVERY'
  | 'ERR_SLUICE_OVERFLOW'
  | 'ERR_SLUICE_CANCELLED'
  | 'ERR_SLUICE_EMPTY'
  | 'ERR_SLUICE_NON_ERROR_THROWN'
  | 'ERR_SLUICE_TIMEOUT'
  | 'ERR_SLUICE_EXPAND_DEPTH'
  | 'ERR_SLUICE_NO_DEMAND'
  | 'ERR_SLUICE_LIMIT'
  | 'ERR_SLUICE_GROUP_STALLED'
  | 'ERR_SLUICE_ABANDONED'
  | 'ERR_SLUICE_MISUSE'
  | 'ERR_SLUICE_SINGLE_SUBSCRIBER'
  | 'ERR_SLUICE_SIGNAL_ORDER'
  | 'ERR_SLUICE_REQUEST_THREW'
  | 'ERR_SLUICE_NOT_A_PUBLISHER'
  | 'ERR_SLUICE_NOT_AN_ITERATOR_RESULT';

/** Gives `error` its stable code (non-enumerable, like Node's own `code` on system errors is read, not listed). */
export function withCode<E extends Error>(error: E, code: SluiceErrorCode): E & { readonly code: SluiceErrorCode } {
  Object.defineProperty(error, 'code', { value: code, enumerable: false, writable: false, configurable: true });
  return error as E & { readonly code: SluiceErrorCode };
}

/** §3.9: the message carries the rule and the JVM TCK's phrase, so both TCKs recognise it. */
export function invalidRequestError(n: unknown): RangeError {
  return withCode(new RangeError(
    `§3.9: request(n) needs a positive integer or Infinity (non-positive subscription request), got ${describeValue(n)}`,
  ), 'ERR_SLUICE_INVALID_REQUEST');
}

/** §1.9: `subscribe(null)` is the one call a Publisher may reject by throwing. */
export function nullSubscriberError(): TypeError {
  return withCode(new TypeError('§1.9: subscribe(subscriber) needs a Subscriber, got ' + 'null or undefined'), 'ERR_SLUICE_NULL_SUBSCRIBER');
}

/** §2.13: a Subscriber method received `null`/`undefined` where an argument is required. */
export function nullArgumentError(method: 'onSubscribe' | 'onNext' | 'onError', value: unknown): TypeError {
  const what = method === 'onNext' ? 'an element' : method === 'onError' ? 'an error' : 'a Subscription';
  return withCode(new TypeError(`§2.13: ${method}(${String(value)}): ${what} is required; null and undefined are not allowed`), 'ERR_SLUICE_NULL_SIGNAL');
}

/** §2.13: a user function produced `null`/`undefined`, which can never be an element. */
export function nullResultError(operator: string, fn: string, value: unknown): TypeError {
  return withCode(new TypeError(`§2.13: ${operator}: the ${fn} returned ${String(value)}, which is not an element`), 'ERR_SLUICE_NULL_RESULT');
}

/** §1.1: an upstream signalled more than was requested. */
export function overDeliveryError(where: string, requested: number): Error {
  return withCode(new Error(`§1.1: ${where} received onNext beyond the requested demand (${requested} outstanding)`), 'ERR_SLUICE_OVER_DELIVERY');
}

/**
 * Raised by every bounded buffer configured with overflow 'error'. `alternatives` are the other strategies the stage
 * accepts (default: all of them), so the advice never names one the stage would reject.
 */
export class OverflowError extends Error {
  readonly capacity: number;
  readonly pending: number;
  constructor(
    stage: string,
    capacity: number,
    pending: number,
    alternatives: readonly string[] = ['block', 'drop-newest', 'drop-oldest', 'latest'],
  ) {
    const others = alternatives.filter((strategy) => strategy !== 'error');
    const advice = others.length === 0
      ? 'raise the capacity'
      : `choose an overflow strategy (${others.map((strategy) => `'${strategy}'`).join(', ')}) or raise the capacity`;
    super(`${stage}: buffer overflow: capacity ${capacity} is full with ${pending} items pending and no downstream demand; ${advice}`);
    this.name = 'OverflowError';
    this.capacity = capacity;
    this.pending = pending;
  }

  /** Always `'ERR_SLUICE_OVERFLOW'`. */
  get code(): 'ERR_SLUICE_OVERFLOW' {
    return 'ERR_SLUICE_OVERFLOW';
  }
}

/**
 * Settles a producer's pending work (create's `emitter.offer`, a bridge's pending write) when the stream stops
 * accepting items: `reason` is 'cancelled' (downstream cancelled or the stream failed) or 'terminated' (the stream
 * already completed or failed before the call).
 */
export class CancellationError extends Error {
  readonly reason: 'cancelled' | 'terminated';
  constructor(stage: string, reason: 'cancelled' | 'terminated') {
    super(
      reason === 'cancelled'
        ? `${stage}: the stream was cancelled; the offered item was not delivered`
        : `${stage}: the stream has already terminated; the offered item was not delivered`,
    );
    this.name = 'CancellationError';
    this.reason = reason;
  }

  /** Always `'ERR_SLUICE_CANCELLED'` (`reason` tells cancelled from terminated). */
  get code(): 'ERR_SLUICE_CANCELLED' {
    return 'ERR_SLUICE_CANCELLED';
  }
}

/** JavaScript can throw anything; onError always receives an Error (the thrown value is kept as `cause`). */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return withCode(new Error(`non-Error thrown: ${describeThrown(thrown)}`, { cause: thrown }), 'ERR_SLUICE_NON_ERROR_THROWN');
}

function describeThrown(thrown: unknown): string {
  try {
    return typeof thrown === 'object' ? JSON.stringify(thrown) : String(thrown);
  } catch {
    return Object.prototype.toString.call(thrown);
  }
}
