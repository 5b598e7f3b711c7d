/**
 * The link between one Publisher and one Subscriber (Reactive Streams `Subscription`).
 *
 * JavaScript mapping: `n` is a number. A positive integer adds to the outstanding demand; any value
 * `>= Number.MAX_SAFE_INTEGER` (or `Infinity`) means unbounded (§3.17). Anything else (`0`, negatives,
 * `NaN`, fractions, non-numbers) makes the publisher cancel and signal `onError(RangeError)` (§3.9).
 */
export interface Subscription {
  /** Adds `n` to the demand. Never throws (§3.16); may signal synchronously (§3.10, §3.11). */
  request(n: number): void;
  /** Asks the publisher to stop and release the subscriber (§3.12, §3.13). Idempotent (§3.7), never throws (§3.15). */
  cancel(): void;
}
