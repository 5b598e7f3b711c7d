import { UNBOUNDED } from '../internal/demand';
import { toFlow } from '../internal/lift';
import { reportError } from '../internal/report';
import type { Publisher } from '../spec/Publisher';
import { requireAbortSignal } from './PromiseSubscriber';
import { BaseSubscriber } from './BaseSubscriber';

/** The callbacks and the initial demand of `consume`. Every callback is optional. */
export interface ConsumeOptions<T> {
  next?: (value: T) => void;
  error?: (error: Error) => void;
  complete?: () => void;
  /** Demand requested at subscription: a positive integer, `'unbounded'` (default, also `Infinity`), or 0 to request only through the handle. */
  initialRequest?: number | 'unbounded';
  /** Aborting cancels the subscription, like `handle.cancel()` (no callback runs). */
  signal?: AbortSignal;
}

/** What `consume` returns: the consumer's side of the subscription. */
export interface ConsumeHandle {
  /** Asks for `n` more items. Never throws; an invalid `n` ends the stream with a §3.9 RangeError in `error`. */
  request(n: number): void;
  /** Stops the stream and releases the callbacks. Idempotent. */
  cancel(): void;
  /** True once cancelled, completed or failed. */
  readonly isDisposed: boolean;
}

/**
 * Subscribes to `source` with plain callbacks and returns a handle (Reactor's lambda subscriber). Named `consume` so it
 * cannot be confused with the Reactive Streams method `flow.subscribe(subscriber)`.
 *
 * ```
 * source:   --1--2--3--|
 * next:       1  2  3
 * complete:            ()
 * ```
 *
 * **Demand**: requests `initialRequest` when subscribed: unbounded by default (the natural choice for callbacks that
 * keep up, as in Reactor); pass a number, or 0, and call `handle.request(n)` to pace the source yourself.
 * **Errors**: a throwing `next` cancels upstream and its error goes to `error`; without an `error` callback every
 * error goes to `reportError` (never swallowed); a throwing `error` or `complete` callback is reported too.
 * **Cancellation**: `handle.cancel()` or the `signal` cancels upstream; no further callback runs and all callbacks
 * are released (§3.13).
 *
 * @example
 * const handle = consume(range(0, 1_000), { next: (x) => console.log(x), initialRequest: 10 });
 * handle.request(10); // 10 more
 * handle.cancel();
 */
export function consume<T>(source: Publisher<T>, options: ConsumeOptions<T> | ((value: T) => void) = {}): ConsumeHandle {
  const flow = toFlow(source);
  const opts: ConsumeOptions<T> = typeof options === 'function' ? { next: options } : options;
  if (opts === null || typeof opts !== 'object') throw new TypeError(`consume: options must be an object or a next function, got ${String(opts)}`);
  for (const key of ['next', 'error', 'complete'] as const) {
    const fn = opts[key];
    if (fn !== undefined && typeof fn !== 'function') throw new TypeError(`consume: ${key} must be a function, got ${typeof fn}`);
  }
  const initial = requireInitialRequest(opts.initialRequest);
  const signal = requireAbortSignal('consume', opts.signal);
  const subscriber = new ConsumeSubscriber<T>(opts, initial, signal);
  if (signal?.aborted) {
    subscriber.cancel();
    return subscriber;
  }
  flow.subscribe(subscriber);
  return subscriber;
}

function requireInitialRequest(value: unknown): number {
  if (value === undefined || value === 'unbounded') return UNBOUNDED;
  if (value === 0) return 0;
  if (typeof value === 'number' && value >= Number.MAX_SAFE_INTEGER) return UNBOUNDED;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RangeError(`consume: initialRequest must be a non-negative integer or 'unbounded', got ${String(value)}`);
  }
  return value;
}

class ConsumeSubscriber<T> extends BaseSubscriber<T> implements ConsumeHandle {
  private nextFn: ((value: T) => void) | undefined;
  private errorFn: ((error: Error) => void) | undefined;
  private completeFn: (() => void) | undefined;
  private readonly initialRequest: number;
  private signal: AbortSignal | undefined;
  private readonly onAbort: () => void;

  constructor(options: ConsumeOptions<T>, initialRequest: number, signal: AbortSignal | undefined) {
    super();
    this.nextFn = options.next;
    this.errorFn = options.error;
    this.completeFn = options.complete;
    this.initialRequest = initialRequest;
    this.signal = signal;
    this.onAbort = () => this.cancel();
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  override request(n: number): void {
    super.request(n);
  }

  protected override hookOnSubscribe(): void {
    if (this.initialRequest > 0) this.request(this.initialRequest);
  }

  protected override hookOnNext(value: T): void {
    this.nextFn?.(value);
  }

  protected override hookOnError(error: Error): void {
    const errorFn = this.errorFn;
    if (errorFn === undefined) reportError(error);
    else errorFn(error);
  }

  protected override hookOnComplete(): void {
    this.completeFn?.();
  }

  protected override hookFinally(): void {
    this.nextFn = this.errorFn = this.completeFn = undefined; // §3.13 release the user's callbacks
    this.signal?.removeEventListener('abort', this.onAbort);
    this.signal = undefined;
  }
}
