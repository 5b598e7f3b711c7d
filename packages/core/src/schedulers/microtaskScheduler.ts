import type { CancelTask, Scheduler } from './Scheduler';

/**
 * Runs tasks on the microtask queue (`queueMicrotask`): after the current synchronous code, before any I/O, timer or
 * `setImmediate` callback. The cheapest async hop; use it for an async boundary that must not wait for the event
 * loop, and `macrotaskScheduler` when the boundary must let I/O in between batches.
 *
 * A positive `delayMs` cannot be expressed with microtasks, so such tasks fall back to `setTimeout`. The clock is
 * `Date.now()`. Cancelling drops the task (and everything it references) at once, even though the queued microtask
 * itself cannot be withdrawn: it then runs as a no-op.
 *
 * @example
 * range(0, 1_000).pipe(observeOn(microtaskScheduler));
 */
export const microtaskScheduler: Scheduler = {
  now: () => Date.now(),
  schedule(task: () => void, delayMs = 0): CancelTask {
    if (delayMs > 0) {
      const handle = setTimeout(task, delayMs);
      return () => clearTimeout(handle);
    }
    let pending: (() => void) | null = task;
    queueMicrotask(() => {
      const run = pending;
      pending = null;
      run?.();
    });
    return () => {
      pending = null; // the microtask cannot be withdrawn; it finds nothing to run and nothing stays reachable
    };
  },
};
