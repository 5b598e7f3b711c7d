import type { CancelTask } from '../schedulers/Scheduler';

/**
 * Marks a task slot while `scheduler.schedule(...)` runs. A scheduler that runs the task synchronously (an immediate
 * or virtual scheduler stepping inline) lets the task clear the slot before `schedule` returns, so the caller stores
 * the returned cancel function only if the slot still holds this marker, i.e. only while the task is pending:
 *
 *   this.cancelTimer = SCHEDULING;
 *   const cancel = scheduler.schedule(task, ms);
 *   if (this.cancelTimer === SCHEDULING) this.cancelTimer = cancel;
 */
export const SCHEDULING: CancelTask = () => {};
