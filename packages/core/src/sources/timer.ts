import { Flow } from '../Flow';
import { DrainSubscription } from '../internal/DrainSubscription';
import type { CancelTask, Scheduler } from '../schedulers/Scheduler';
import type { Subscriber } from '../spec/Subscriber';
import { requireDelay, requireScheduler } from './interval';

export interface TimerOptions {
  /** Where time comes from. Default `timerScheduler` (setTimeout); tests pass a `VirtualTimeScheduler`. */
  scheduler?: Scheduler;
}

/**
 * Emits `0` once, `delayMs` after subscription, then completes.
 *
 * ```
 * timer(30): ------0|
 * ```
 *
 * **Demand**: the delay starts at subscription, whatever the demand; if it elapses before any request, the single
 * `0` is held (a bound of one item) and emitted on the first request. **Errors**: only an invalid `request(n)`
 * (§3.9). **Cancellation**: cancels the scheduled task, so nothing (no timer) keeps the subscriber alive (§3.13).
 *
 * @example
 * timer(500).pipe(map(() => 'timeout')); // 'timeout' after half a second
 */
export function timer(delayMs: number, options: TimerOptions = {}): Flow<number> {
  requireDelay('timer', delayMs);
  const scheduler = requireScheduler('timer', options.scheduler);
  return new Flow<number>((subscriber) => {
    new TimerSubscription(subscriber, scheduler, delayMs).begin();
  });
}

class TimerSubscription extends DrainSubscription<number> {
  private cancelTask: CancelTask | null = null;
  private fired = false;

  constructor(downstream: Subscriber<number>, private readonly scheduler: Scheduler, private readonly delayMs: number) {
    super(downstream);
  }

  /** Schedules the one tick (never, if the subscriber cancelled or failed inside onSubscribe). */
  protected override onBegin(): void {
    this.cancelTask = this.scheduler.schedule(() => {
      this.cancelTask = null;
      this.fired = true;
      this.drain();
    }, this.delayMs);
  }

  protected emitSome(downstream: Subscriber<number>): void {
    if (!this.fired || this.requested === 0) return;
    downstream.onNext(0);
    if (!this.cancelled) this.complete();
  }

  protected override dispose(): void {
    const cancelTask = this.cancelTask;
    this.cancelTask = null; // §3.13 the pending task must not keep the subscriber reachable
    cancelTask?.();
  }
}
