import type { CancelTask, Scheduler } from '../schedulers/Scheduler';

/** Marks the slot while `scheduler.schedule(...)` runs (see TaskSlot.schedule). */
const SCHEDULING: CancelTask = () => {};

/**
 * One pending scheduler task of an operator (a timer, a tick, a deferred subscribe) and its cancel function.
 *
 * A scheduler that runs the task synchronously (an immediate or virtual scheduler stepping inline) lets the task
 * call `ran()` before `schedule` returns; the slot then keeps nothing, so `pending` is true only while the task
 * really waits. `cancel()` withdraws a waiting task and drops the reference to it (§3.13: a cancelled operator's
 * timers no longer reference its subscriber).
 */
export class TaskSlot {
  private cancelTask: CancelTask | null = null;

  /** True while a scheduled task has not run and was not cancelled. */
  get pending(): boolean {
    return this.cancelTask !== null;
  }

  schedule(scheduler: Scheduler, task: () => void, delayMs?: number): void {
    this.cancelTask = SCHEDULING;
    const cancelTask = scheduler.schedule(task, delayMs);
    if (this.cancelTask === SCHEDULING) this.cancelTask = cancelTask; // not already run inline
  }

  /** The task calls this first thing when it runs. */
  ran(): void {
    this.cancelTask = null;
  }

  /** Withdraws the task if it is waiting; a no-op otherwise. */
  cancel(): void {
    const cancelTask = this.cancelTask;
    this.cancelTask = null;
    cancelTask?.();
  }
}
