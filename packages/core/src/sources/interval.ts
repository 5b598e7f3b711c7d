import { Flow } from '../Flow';
import { withCode } from '../internal/errors';
import { DrainSubscription } from '../internal/DrainSubscription';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import type { CancelTask, Scheduler } from '../schedulers/Scheduler';
import { timerScheduler } from '../schedulers/timerScheduler';
import type { Subscriber } from '../spec/Subscriber';

export interface IntervalOptions {
  /** Where time comes from. Default `timerScheduler` (setTimeout); tests pass a `VirtualTimeScheduler`. */
  scheduler?: Scheduler;
  /** Delay before the first tick, in ms. Default: `periodMs`. */
  delayMs?: number;
  /**
   * What happens when a tick arrives and the subscriber has no outstanding demand. `'error'` (the default) signals
   * `onError`, naming the tick; `'drop'` skips the tick and counts it in `inspect().dropped`.
   */
  onOverflow?: 'error' | 'drop';
}

/**
 * Emits the tick index `0, 1, 2, …` every `periodMs` (the first after `delayMs`), forever.
 *
 * ```
 * interval(10):              ----0----1----2----3…
 * interval(10, drop), req 2: ----0----1----x----x…   (x: dropped, counted)
 * ```
 *
 * Time does not wait for demand, so a tick can arrive when nothing is requested; `onOverflow` says what then:
 * `'error'` by default, since losing ticks silently hides a slow consumer (Reactor and RxJava make the same choice),
 * or `'drop'`. A tick's value is its index since subscription, so dropped ticks leave visible gaps. The
 * subscription given to `onSubscribe` implements `Inspectable`: `inspect()` reports `received` (ticks),
 * `emitted`, `dropped` and `requested`. Ticks are scheduled against the first due time, so they do not drift.
 *
 * **Demand**: each tick consumes one requested item; nothing is buffered. **Errors**: with `'error'`, a tick
 * without demand signals `Error("interval: tick 5 arrived with no outstanding demand …")`; an invalid `request(n)`
 * signals `onError(RangeError)` (§3.9). **Cancellation**: cancels the scheduled task, so nothing (no timer) keeps the
 * subscriber alive (§3.13).
 *
 * @example
 * interval(1000, { onOverflow: 'drop' }).pipe(take(5)); // five ticks, one per second
 */
export function interval(periodMs: number, options: IntervalOptions = {}): Flow<number> {
  if (typeof periodMs !== 'number' || !(periodMs > 0) || !Number.isFinite(periodMs)) {
    throw new RangeError(`interval: periodMs must be a positive finite number, got ${String(periodMs)}`);
  }
  const delayMs = options.delayMs ?? periodMs;
  requireDelay('interval', delayMs);
  const scheduler = requireScheduler('interval', options.scheduler);
  const onOverflow = options.onOverflow ?? 'error';
  if (onOverflow !== 'error' && onOverflow !== 'drop') {
    throw new TypeError(`interval: onOverflow must be 'error' or 'drop', got ${String(onOverflow)}`);
  }
  return new Flow<number>((subscriber) => {
    new IntervalSubscription(subscriber, scheduler, periodMs, delayMs, onOverflow === 'drop').begin();
  });
}

/** Validates a delay eagerly (shared with `timer`). */
export function requireDelay(source: string, delayMs: unknown): void {
  if (typeof delayMs !== 'number' || !(delayMs >= 0) || !Number.isFinite(delayMs)) {
    throw new RangeError(`${source}: delayMs must be a non-negative finite number, got ${String(delayMs)}`);
  }
}

/** Validates the scheduler option eagerly (shared with `timer`). */
export function requireScheduler(source: string, scheduler: Scheduler | undefined): Scheduler {
  if (scheduler === undefined) return timerScheduler;
  if (scheduler === null || typeof scheduler.schedule !== 'function' || typeof scheduler.now !== 'function') {
    throw new TypeError(`${source}: scheduler must have now() and schedule(task, delayMs), got ${String(scheduler)}`);
  }
  return scheduler;
}

class IntervalSubscription extends DrainSubscription<number> implements Inspectable {
  private scheduler: Scheduler | null;
  private cancelTask: CancelTask | null = null;
  private readonly period: number;
  private readonly delay: number;
  private readonly drop: boolean;
  private firstDue = 0;
  /** Ticks handled so far (emitted, dropped, or the one that failed); `receivedItems` counts the ticks that came. */
  private handled = 0;

  constructor(downstream: Subscriber<number>, scheduler: Scheduler, period: number, delay: number, drop: boolean) {
    super(downstream);
    this.scheduler = scheduler;
    this.period = period;
    this.delay = delay;
    this.drop = drop;
  }

  /** Schedules the first tick (never, if the subscriber cancelled or failed inside onSubscribe). */
  protected override onBegin(): void {
    this.firstDue = this.scheduler!.now() + this.delay;
    this.cancelTask = this.scheduler!.schedule(this.tick, this.delay);
  }

  private readonly tick = (): void => {
    const scheduler = this.scheduler;
    if (scheduler === null) return;
    const ticks = ++this.receivedItems;
    const due = this.firstDue + ticks * this.period; // against the first due time: no drift
    this.cancelTask = scheduler.schedule(this.tick, Math.max(0, due - scheduler.now()));
    this.drain();
  };

  protected emitSome(downstream: Subscriber<number>): void {
    while (this.handled < this.receivedItems) {
      const tick = this.handled++;
      if (this.requested > 0) {
        this.requested--;
        this.emittedItems++;
        downstream.onNext(tick);
        if (this.cancelled) return;
      } else if (this.drop) {
        this.droppedItems++;
      } else {
        // §1.1 a tick without demand may not be emitted; 'error' says so rather than losing it silently
        return this.fail(withCode(new Error(`interval: tick ${tick} arrived with no outstanding demand; request ahead of the ` +
          `ticks, slow them down, or pass onOverflow: 'drop' to skip and count them`), 'ERR_SLUICE_NO_DEMAND'));
      }
    }
  }

  protected override dispose(): void {
    const cancelTask = this.cancelTask;
    this.cancelTask = null;
    this.scheduler = null; // §3.13 no pending task may keep the subscriber reachable
    cancelTask?.();
  }

  inspect(): StageSnapshot {
    return this.snapshot('interval');
  }
}
