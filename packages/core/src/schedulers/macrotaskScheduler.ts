import type { CancelTask, Scheduler } from './Scheduler';

// setImmediate is Node's (and Bun's/Deno's) "next turn of the event loop, after I/O"; elsewhere setTimeout(0) is
// the closest portable equivalent (it may be clamped to a few milliseconds by browsers).
const hasSetImmediate = typeof setImmediate === 'function';

/**
 * Runs tasks on the macrotask queue (`setImmediate`): one turn of the event loop per task, after pending I/O
 * callbacks. Use it for an async boundary that must yield to the event loop between batches (an `observeOn`
 * consumer that must not starve sockets or timers). Where `setImmediate` does not exist, `setTimeout(task, 0)`.
 *
 * A positive `delayMs` uses `setTimeout`. The clock is `Date.now()`. Cancelling withdraws the task.
 *
 * @example
 * fromAsyncIterable(lines).pipe(observeOn(macrotaskScheduler, { prefetch: 64 }));
 */
export const macrotaskScheduler: Scheduler = {
  now: () => Date.now(),
  schedule(task: () => void, delayMs = 0): CancelTask {
    if (delayMs > 0 || !hasSetImmediate) {
      const handle = setTimeout(task, Math.max(0, delayMs));
      return () => clearTimeout(handle);
    }
    const handle = setImmediate(task);
    return () => clearImmediate(handle);
  },
};
