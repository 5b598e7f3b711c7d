/** Cancels a scheduled task; calling it after the task ran, or twice, does nothing. */
export type CancelTask = () => void;

/**
 * Where and when work runs. Every time-based source and operator takes a Scheduler option so tests can pass a
 * `VirtualTimeScheduler` and never wait on the wall clock.
 */
export interface Scheduler {
  /** The scheduler's clock in milliseconds. */
  now(): number;
  /** Runs `task` after `delayMs` (0 or omitted: as soon as this scheduler allows). */
  schedule(task: () => void, delayMs?: number): CancelTask;
}
