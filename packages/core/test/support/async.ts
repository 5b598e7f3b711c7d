import { setImmediate as nextMacrotask } from 'node:timers/promises';

/** Lets every pending nextTick, microtask and I/O callback run (a few macrotask turns). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await nextMacrotask();
}

/** A hang detector, not a timing assertion: rejects if `promise` does not settle within `ms`. */
export function watchdog<T>(promise: Promise<T>, ms = 5_000, what = 'the transfer'): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`watchdog: ${what} hung for ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
