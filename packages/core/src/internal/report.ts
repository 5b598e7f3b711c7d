/**
 * The one place for errors that cannot be delivered: a Subscriber method that threw (§2.13), an error that arrived
 * after a terminal signal (§1.7), a failing user callback during cancellation. By default the error is rethrown on a
 * fresh macrotask, so it surfaces as `uncaughtException` (Node) or the global `error` event (browsers) and is never
 * swallowed. Tests replace the reporter through `@sluice/core/testing`.
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
