/**
 * The one place for errors that cannot be delivered: a Subscriber method that threw (§2.13), an error that arrived
 * after a terminal signal (§1.7). By default the error is rethrown on a fresh macrotask, so it surfaces as
 * `uncaughtException` (Node) or the global `error` event (browsers) and is never swallowed. Tests replace the reporter
 * through `@sluice/core/testing`.
 *
 * An error that arrives after the consumer cancelled is different: nobody asked to hear it, and its arrival is an
 * ordinary race (an event listener, in-flight async work, a generator's `finally` run by cancellation). Such errors
 * go to `reportDroppedError`, whose hook (`onErrorDropped`, Reactor's `Hooks.onErrorDropped`) by default writes one
 * console warning and never throws (docs/decisions/0012-errors-after-cancellation.md).
 */
export type ErrorReporter = (error: unknown) => void;

const rethrowLater: ErrorReporter = (error) => {
  setTimeout(() => {
    throw error;
  }, 0);
};

let reporter: ErrorReporter = rethrowLater;

export function reportError(error: unknown): void {
  try {
    reporter(error);
  } catch {
    rethrowLater(error);
  }
}

/** Installs `next` as the reporter and returns a function that restores the previous one. Testing only. */
export function replaceErrorReporter(next: ErrorReporter): () => void {
  const previous = reporter;
  reporter = next;
  return () => {
    reporter = previous;
  };
}

const warnDropped: ErrorReporter = (error) => {
  try {
    console.warn('sluice: an error arrived after the subscription was cancelled and was dropped (see onErrorDropped):', error);
  } catch {
    // a console that throws has nowhere left to report to; the process must not crash for it
  }
};

let droppedHook: ErrorReporter = warnDropped;

/**
 * Hands an error that arrived after cancellation (or from cleanup run by cancellation) to the `onErrorDropped`
 * hook. Never throws and never crashes the process: a hook that throws falls back to the default warning.
 */
export function reportDroppedError(error: unknown): void {
  try {
    droppedHook(error);
  } catch {
    warnDropped(error);
  }
}

/**
 * The one classifier for an error that reached a subscriber after its stream was over (ADR 0012): when that
 * subscriber had itself cancelled the subscription the error came through (`cancelled`: its downstream cancelled, or
 * the stage cut the upstream short for a timeout, a §3.9 request, a failure elsewhere), the error is dropped to the
 * `onErrorDropped` hook; otherwise the upstream signalled after its own terminal signal (§1.7), a bug, and it is
 * reported.
 */
export function reportLateError(error: unknown, cancelled: boolean): void {
  if (cancelled) reportDroppedError(error);
  else reportError(error);
}

/**
 * Installs the hook for errors that arrive after the consumer cancelled (`null` restores the default: one
 * `console.warn`, never thrown) and returns a function that restores the previous hook. Install it once, at start-up,
 * e.g. to send such errors to your logger or metrics.
 *
 * @example
 * onErrorDropped((error) => logger.debug({ error }, 'error after cancel'));
 */
export function onErrorDropped(hook: ((error: unknown) => void) | null): () => void {
  if (hook !== null && typeof hook !== 'function') {
    throw new TypeError(`onErrorDropped: hook must be a function or null, got ${typeof hook}`);
  }
  const previous = droppedHook;
  droppedHook = hook ?? warnDropped;
  return () => {
    droppedHook = previous;
  };
}
