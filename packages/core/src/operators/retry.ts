import { Flow, type Operator } from '../Flow';
import { nullArgumentError, toError } from '../internal/errors';
import { toFlow } from '../internal/lift';
import { reportError } from '../internal/report';
import { ResubscribingSubscriber } from '../internal/ResubscribingSubscriber';
import type { Scheduler } from '../schedulers/Scheduler';
import { requireScheduler } from '../sources/interval';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import { TaskSlot } from '../internal/scheduling';

export interface RetryBackoff {
  /** Wait before the first retry, in ms. Required for a backoff. */
  initialMs: number;
  /** The longest wait, in ms (the exponential growth and the jitter are capped here). Default 30,000. */
  maxMs?: number;
  /** Growth per attempt: retry k waits `initialMs * factor^(k-1)`. At least 1. Default 2. */
  factor?: number;
  /** Spread, a fraction in [0, 1]: each wait is scaled by a random factor in `[1 - jitter, 1 + jitter)`. Default 0.5. */
  jitter?: number;
}

export interface RetryOptions {
  /** How many times to resubscribe after an error (not counting the first subscription). Default: forever. */
  count?: number;
  /** Wait between an error and the resubscription. Omitted: resubscribe at once. */
  backoff?: RetryBackoff;
  /** Where backoff waits are scheduled. Default `timerScheduler`; tests pass a `VirtualTimeScheduler`. */
  scheduler?: Scheduler;
  /** The random source for jitter, returning a number in [0, 1). Default `Math.random`; tests inject a fixed one. */
  random?: () => number;
}

/**
 * On a source error, subscribes to the source again, up to `count` times, optionally after a jittered exponential
 * backoff on the scheduler.
 *
 * ```
 * source:                       -a-X          (X: error; each subscription replays -a-X, the last -a-b-|)
 * retry({ count: 2 }):          -a--a--a-b-|
 * retry({ backoff: 10ms… }):    -a-X··10··-a-X····20····-a-b-|   (from the caller's view: -a---a---a-b-|)
 * ```
 *
 * Retry `k` (1-based) waits `min(maxMs, initialMs * factor^(k-1))` scaled by `1 + jitter * (2 * random() - 1)`,
 * clamped to `[0, maxMs]`. The attempt counter is never reset: `count` bounds the retries of the whole stream.
 *
 * **Demand**: one downstream demand spans every subscription: each resubscription is asked for exactly what is
 * still outstanding (requested minus delivered), and requests made while waiting for the backoff are kept and
 * forwarded. An immediate retry of a source that fails synchronously inside `subscribe` loops, never recurses (§3.3).
 * **Errors**: once the retries are used up, the last error is signalled. If `random` throws, that error is
 * signalled. An invalid `request(n)` cancels the current subscription (or the pending backoff) and signals
 * `onError(RangeError)` (§3.9). Completion passes through.
 * **Cancellation**: cancels the current subscription or withdraws the scheduled resubscription, so no task keeps the
 * subscriber alive (§3.13).
 *
 * @example
 * fetchFlow.pipe(retry({ count: 5, backoff: { initialMs: 100, maxMs: 5_000 } })); // 100, 200, 400, … ms ± 50%
 */
export function retry<T>(options: RetryOptions = {}): Operator<T, T> {
  if (options === null || typeof options !== 'object') throw new TypeError(`retry: options must be an object, got ${String(options)}`);
  const count = options.count ?? Infinity;
  if (typeof count !== 'number' || !(count >= 0) || (count !== Infinity && !Number.isInteger(count))) {
    throw new RangeError(`retry: count must be a non-negative integer or Infinity, got ${String(count)}`);
  }
  const backoff = options.backoff === undefined ? null : requireBackoff(options.backoff);
  const scheduler = requireScheduler('retry', options.scheduler);
  const random = options.random ?? Math.random;
  if (typeof random !== 'function') throw new TypeError(`retry: random must be a function, got ${typeof random}`);
  return (source: Publisher<T>): Flow<T> => {
    const flow = toFlow(source);
    return new Flow<T>((downstream: Subscriber<T>) => {
      const subscriber = new RetrySubscriber<T>(downstream, flow, count, backoff, scheduler, random);
      downstream.onSubscribe(subscriber); // §1.9
      subscriber.subscribeNext();
    });
  };
}

type Backoff = Required<RetryBackoff>;

function requireBackoff(backoff: RetryBackoff): Backoff {
  if (backoff === null || typeof backoff !== 'object') throw new TypeError(`retry: backoff must be an object, got ${String(backoff)}`);
  const { initialMs, maxMs = 30_000, factor = 2, jitter = 0.5 } = backoff;
  if (typeof initialMs !== 'number' || !(initialMs >= 0) || !Number.isFinite(initialMs)) {
    throw new RangeError(`retry: backoff.initialMs must be a non-negative finite number, got ${String(initialMs)}`);
  }
  if (typeof maxMs !== 'number' || !(maxMs >= initialMs) || !Number.isFinite(maxMs)) {
    throw new RangeError(`retry: backoff.maxMs must be a finite number ≥ initialMs (${initialMs}), got ${String(maxMs)}`);
  }
  if (typeof factor !== 'number' || !(factor >= 1) || !Number.isFinite(factor)) {
    throw new RangeError(`retry: backoff.factor must be a finite number ≥ 1, got ${String(factor)}`);
  }
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) {
    throw new RangeError(`retry: backoff.jitter must be a number in [0, 1], got ${String(jitter)}`);
  }
  return { initialMs, maxMs, factor, jitter };
}

class RetrySubscriber<T> extends ResubscribingSubscriber<T> {
  private readonly scheduler: Scheduler;
  private random: (() => number) | null;
  private readonly timer = new TaskSlot();
  private attempts = 0;

  constructor(
    downstream: Subscriber<T>, source: Flow<T>, private readonly count: number, private readonly backoff: Backoff | null,
    scheduler: Scheduler, random: () => number,
  ) {
    super(downstream, source);
    this.scheduler = scheduler;
    this.random = random;
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.done || !this.active) {
      reportError(error); // §1.7 never swallowed
      return;
    }
    this.endTurn();
    if (this.attempts >= this.count) return this.terminate()?.onError(error);
    this.attempts++;
    if (this.backoff === null) return this.subscribeNext();
    let wait: number;
    try {
      wait = this.waitFor(this.attempts, this.backoff);
    } catch (thrown) {
      return this.terminate()?.onError(toError(thrown));
    }
    this.timer.schedule(this.scheduler, this.fire, wait);
  }

  onComplete(): void {
    if (this.done || !this.active) return; // §1.7
    this.terminate()?.onComplete();
  }

  private waitFor(attempt: number, backoff: Backoff): number {
    const base = Math.min(backoff.maxMs, backoff.initialMs * Math.pow(backoff.factor, attempt - 1));
    if (backoff.jitter === 0) return base;
    const r = this.random!();
    if (typeof r !== 'number' || !(r >= 0 && r < 1)) throw new RangeError(`retry: random() must return a number in [0, 1), got ${String(r)}`);
    return Math.min(backoff.maxMs, Math.max(0, base * (1 + backoff.jitter * (2 * r - 1))));
  }

  private readonly fire = (): void => {
    this.timer.ran();
    this.subscribeNext();
  };

  protected override release(): void {
    this.random = null;
    this.timer.cancel(); // §3.13 the scheduled resubscription no longer references this subscriber
  }
}
