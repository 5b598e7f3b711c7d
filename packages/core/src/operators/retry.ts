import { Flow, type Operator } from '../Flow';
import { toError } from '../internal/errors';
import { toFlow } from '../internal/lift';
import { ResubscribingSubscriber } from '../internal/ResubscribingSubscriber';
import { RetryBudget } from '../internal/RetryBudget';
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

export interface RetryBudgetOptions {
  /** Retries allowed per first attempt, over the window. Default 0.1 (at most 10% extra load). */
  ratio?: number;
  /** Retries always allowed per window, whatever the traffic (lets a quiet client retry). Default 10. */
  minRetries?: number;
  /** The sliding window in ms. Default 10,000. */
  windowMs?: number;
  /** The budget's clock. Default `timerScheduler`; tests pass a `VirtualTimeScheduler`. */
  scheduler?: Scheduler;
}

/**
 * A retry budget to share between `retry` operators (and all their subscriptions): over a sliding window, retries
 * may be at most `minRetries + ratio × first attempts`. A retry the budget refuses is not made: the error is
 * signalled, and `inspect().refused` counts it. This is what stops retries from amplifying an overload: with a
 * ratio of 0.1, callers that all fail make at most 1.1× their attempts (plus the floor), however many retries
 * each allows.
 *
 * @example
 * const budget = retryBudget({ ratio: 0.1, minRetries: 5 });
 * const call = (req) => defer(() => send(req)).pipe(retry({ count: 3, backoff: { initialMs: 50 }, budget }));
 */
export function retryBudget(options: RetryBudgetOptions = {}): RetryBudget {
  if (options === null || typeof options !== 'object') throw new TypeError('retryBudget: options must be an object');
  const { ratio = 0.1, minRetries = 10, windowMs = 10_000 } = options;
  if (typeof ratio !== 'number' || !(ratio >= 0) || !Number.isFinite(ratio)) {
    throw new RangeError(`retryBudget: ratio must be a non-negative finite number, got ${String(ratio)}`);
  }
  if (typeof minRetries !== 'number' || !(minRetries >= 0) || !Number.isFinite(minRetries)) {
    throw new RangeError(`retryBudget: minRetries must be a non-negative finite number, got ${String(minRetries)}`);
  }
  if (typeof windowMs !== 'number' || !(windowMs > 0) || !Number.isFinite(windowMs)) {
    throw new RangeError(`retryBudget: windowMs must be a positive finite number, got ${String(windowMs)}`);
  }
  return new RetryBudget(ratio, minRetries, windowMs, requireScheduler('retryBudget', options.scheduler));
}

/** What `when` returns: false to give up (the error is signalled), true for the backoff, or a wait in ms. */
export type RetryDecision = boolean | number;

export interface RetryOptions {
  /** How many times to resubscribe after an error (not counting the first subscription). Default: forever. */
  count?: number;
  /** Wait between an error and the resubscription. Omitted: resubscribe at once. */
  backoff?: RetryBackoff;
  /** Where backoff waits are scheduled. Default `timerScheduler`; tests pass a `VirtualTimeScheduler`. */
  scheduler?: Scheduler;
  /** The random source for jitter, returning a number in [0, 1). Default `Math.random`; tests inject a fixed one. */
  random?: () => number;
  /**
   * Decides for each error whether to retry and after what wait: `false` gives up (the error is signalled),
   * `true` waits the backoff (or retries at once without one), a number waits that many ms. `attempt` is the
   * 1-based number of the retry being considered. Called only while `count` allows another retry.
   */
  when?: (error: Error, attempt: number) => RetryDecision;
  /**
   * A delay the server asked for, in ms, read from the error (a Retry-After header the error carries); the wait
   * is at least that long. Default: the error's `retryAfterMs` property when it is a finite number ≥ 0.
   */
  retryAfter?: (error: Error) => number | undefined;
  /** A budget shared across subscriptions (see `retryBudget`): each subscription deposits, each retry withdraws. */
  budget?: RetryBudget;
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
 * In order, for each error: `count` used up → give up; `when(error, k)` → `false` gives up, a number replaces the
 * backoff wait; a server-given delay (`retryAfter(error)`, default `error.retryAfterMs`) raises the wait to at least
 * that (so a 429/503 with Retry-After is honoured, even past `maxMs`); a `budget` that has no retry left → give up.
 *
 * **Demand**: one downstream demand spans every subscription: each resubscription is asked for exactly what is
 * still outstanding (requested minus delivered), and requests made while waiting for the backoff are kept and
 * forwarded. An immediate retry of a source that fails synchronously inside `subscribe` loops, never recurses (§3.3).
 * **Errors**: once the retries are used up (or `when` or the budget says no), the last error is signalled. If
 * `random`, `when` or `retryAfter` throws, or `when` returns something else than a boolean or a wait ≥ 0, that error is
 * signalled. An invalid `request(n)` cancels the current subscription (or the pending backoff) and signals
 * `onError(RangeError)` (§3.9). Completion passes through.
 * **Cancellation**: cancels the current subscription or withdraws the scheduled resubscription, so no task keeps the
 * subscriber alive (§3.13).
 *
 * @example
 * fetchFlow.pipe(retry({ count: 5, backoff: { initialMs: 100, maxMs: 5_000 } })); // 100, 200, 400, … ms ± 50%
 * const budget = retryBudget({ ratio: 0.1 });
 * callFlow.pipe(retry({
 *   count: 3, backoff: { initialMs: 100 }, budget,                      // at most 10% extra attempts overall
 *   when: (error) => error instanceof HttpError && error.status >= 500, // retry server errors only
 * }));                                                                  // HttpError.retryAfterMs is honoured
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
  const when = options.when ?? null;
  if (when !== null && typeof when !== 'function') throw new TypeError(`retry: when must be a function, got ${typeof when}`);
  const retryAfter = options.retryAfter ?? retryAfterMs;
  if (typeof retryAfter !== 'function') throw new TypeError(`retry: retryAfter must be a function, got ${typeof retryAfter}`);
  const budget = options.budget ?? null;
  if (budget !== null && !(budget instanceof RetryBudget)) throw new TypeError('retry: budget must come from retryBudget()');
  const policy: Policy = { count, backoff, when, retryAfter, budget };
  return (source: Publisher<T>): Flow<T> => {
    const flow = toFlow(source);
    return new Flow<T>((downstream: Subscriber<T>) => {
      const subscriber = new RetrySubscriber<T>(downstream, flow, policy, scheduler, random);
      budget?.deposit(); // a first attempt
      downstream.onSubscribe(subscriber); // §1.9
      subscriber.subscribeNext();
    });
  };
}

type Backoff = Required<RetryBackoff>;

interface Policy {
  readonly count: number;
  readonly backoff: Backoff | null;
  readonly when: ((error: Error, attempt: number) => RetryDecision) | null;
  readonly retryAfter: (error: Error) => number | undefined;
  readonly budget: RetryBudget | null;
}

/** The default `retryAfter`: an error's own `retryAfterMs` (set it from a Retry-After header). */
function retryAfterMs(error: Error): number | undefined {
  const value = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof value === 'number' && value >= 0 && Number.isFinite(value) ? value : undefined;
}

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

  constructor(downstream: Subscriber<T>, source: Flow<T>, private readonly policy: Policy, scheduler: Scheduler, random: () => number) {
    super(downstream, source);
    this.scheduler = scheduler;
    this.random = random;
  }

  protected upstreamFailed(error: Error): void {
    const policy = this.policy;
    if (this.attempts >= policy.count) return this.terminate()?.onError(error);
    let wait: number | null;
    try {
      wait = this.decide(error, this.attempts + 1, policy);
    } catch (thrown) {
      return this.terminate()?.onError(toError(thrown));
    }
    if (wait === null) return this.terminate()?.onError(error);
    if (policy.budget !== null && !policy.budget.tryWithdraw()) return this.terminate()?.onError(error); // no budget left
    this.attempts++;
    if (wait === 0 && policy.backoff === null) return this.subscribeNext();
    this.timer.schedule(this.scheduler, this.fire, wait);
  }

  /** The wait before retry `attempt`, or null to give up: `when`, then the backoff, then the server's delay. */
  private decide(error: Error, attempt: number, policy: Policy): number | null {
    let wait: number | null = null;
    if (policy.when !== null) {
      const decision = policy.when(error, attempt);
      if (decision === false) return null;
      if (typeof decision === 'number') {
        if (!(decision >= 0) || !Number.isFinite(decision)) throw new RangeError(`retry: when() must return a boolean or a wait ≥ 0 in ms, got ${String(decision)}`);
        wait = decision;
      } else if (decision !== true) {
        throw new TypeError(`retry: when() must return a boolean or a wait ≥ 0 in ms, got ${String(decision)}`);
      }
    }
    wait ??= policy.backoff === null ? 0 : this.waitFor(attempt, policy.backoff);
    const serverDelay = policy.retryAfter(error);
    if (typeof serverDelay === 'number' && serverDelay >= 0 && Number.isFinite(serverDelay)) wait = Math.max(wait, serverDelay);
    return wait;
  }

  protected upstreamCompleted(): void {
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
