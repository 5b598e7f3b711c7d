/**
 * The one guarded way sluice follows a thenable returned by user code (`forEach`'s `fn`, `create`'s producer).
 * A hostile thenable cannot break the caller: a `then` getter that throws, a `then()` that throws synchronously, or one
 * that calls both callbacks or calls them twice all become exactly one outcome, delivered asynchronously, the way
 * `await` would treat them. Native promises take the direct path (no extra microtask).
 *
 * Returns false, calling nothing, when `value` is not a thenable; a `then` getter that throws counts as a thenable
 * that rejects with what it threw.
 */
export function followThenable(
  value: unknown,
  onFulfilled: (value: unknown) => void,
  onRejected: (reason: unknown) => void,
): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  let then: unknown;
  try {
    then = (value as PromiseLike<unknown>).then;
  } catch (error) {
    Promise.reject(error).then(undefined, onRejected); // asynchronously, like any other rejection
    return true;
  }
  if (typeof then !== 'function') return false;
  try {
    // Promise.resolve adopts a foreign thenable in a job that catches its throws and keeps only its first outcome.
    Promise.resolve(value).then(onFulfilled, onRejected);
  } catch (error) {
    // A native promise with a hostile own `then` (Promise.resolve returns it as is).
    Promise.reject(error).then(undefined, onRejected);
  }
  return true;
}
