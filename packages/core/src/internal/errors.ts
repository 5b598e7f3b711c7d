import { describeValue } from './demand';

/** §3.9: the message carries the rule and the JVM TCK's phrase, so both TCKs recognise it. */
export function invalidRequestError(n: unknown): RangeError {
  return new RangeError(
    `§3.9: request(n) needs a positive integer or Infinity (non-positive subscription request), got ${describeValue(n)}`,
  );
}

/** §1.9: `subscribe(null)` is the one call a Publisher may reject by throwing. */
export function nullSubscriberError(): TypeError {
  return new TypeError('§1.9: subscribe(subscriber) needs a Subscriber, got ' + 'null or undefined');
}

/** §2.13: a Subscriber method received `null`/`undefined` where an argument is required. */
export function nullArgumentError(method: 'onSubscribe' | 'onNext' | 'onError', value: unknown): TypeError {
  const what = method === 'onNext' ? 'an element' : method === 'onError' ? 'an error' : 'a Subscription';
  return new TypeError(`§2.13: ${method}(${String(value)}): ${what} is required; null and undefined are not allowed`);
}

/** §2.13: a user function produced `null`/`undefined`, which can never be an element. */
export function nullResultError(operator: string, fn: string, value: unknown): TypeError {
  return new TypeError(`§2.13: ${operator}: the ${fn} returned ${String(value)}, which is not an element`);
}

/** §1.1: an upstream signalled more than was requested. */
export function overDeliveryError(where: string, requested: number): Error {
  return new Error(`§1.1: ${where} received onNext beyond the requested demand (${requested} outstanding)`);
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
}

/** JavaScript can throw anything; onError always receives an Error (the thrown value is kept as `cause`). */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(`non-Error thrown: ${describeThrown(thrown)}`, { cause: thrown });
}

function describeThrown(thrown: unknown): string {
  try {
    return typeof thrown === 'object' ? JSON.stringify(thrown) : String(thrown);
  } catch {
    return Object.prototype.toString.call(thrown);
  }
}
