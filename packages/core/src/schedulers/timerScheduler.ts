import type { CancelTask, Scheduler } from './Scheduler';

/** Real time on `setTimeout`. The default for time-based sources and operators. */
export const timerScheduler: Scheduler = {
  now: () => Date.now(),
  schedule(task: () => void, delayMs = 0): CancelTask {
    const handle = setTimeout(task, Math.max(0, delayMs));
    return () => clearTimeout(handle);
  },
};
