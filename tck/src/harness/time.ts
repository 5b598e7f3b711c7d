/** A promise resolved from outside (the JVM TCK's one-shot `Promise`, renamed to avoid shadowing the global). */
export class Deferred<T = void> {
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  reject!: (error: unknown) => void;
  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

/** Resolves after `ms` on a real timer (the TCK never uses fake timers: they would stop its own timeouts). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Yields one macrotask: lets already-scheduled timers/immediates of the implementation run. */
export function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}

/**
 * A change notifier: `wait(ms)` resolves `true` at the next `notify()` or `false` after `ms`, whichever comes first,
 * and always clears its timer, so nothing keeps the event loop alive and fast implementations never wait the timeout.
 */
export class Signal {
  private waiters: Array<() => void> = [];

  notify(): void {
    const waiters = this.waiters;
    if (waiters.length === 0) return;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  wait(ms: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let done = false;
      const timer = setTimeout(() => {
        if (done) return;
        done = true;
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve(false);
      }, ms);
      const wake = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(wake);
    });
  }

  /** Drops all pending waiters (their promises stay pending; used to release references, §3.13 test). */
  clear(): void {
    this.waiters = [];
  }
}

/** Waits until `condition()` is true, re-checking on every notification and at least every `pollMs`; false on timeout. */
export async function waitUntil(signal: Signal, condition: () => boolean, timeoutMs: number, pollMs = timeoutMs): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (condition()) return true;
    const left = deadline - Date.now();
    if (left <= 0) return condition();
    await signal.wait(Math.max(1, Math.min(left, pollMs)));
  }
}
