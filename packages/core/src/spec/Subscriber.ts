import type { Subscription } from './Subscription';

/**
 * Receives signals from a Publisher (Reactive Streams `Subscriber`).
 *
 * Signals arrive serially (§1.3): `onSubscribe` first (§1.9), then at most as many `onNext` as requested (§1.1),
 * then at most one of `onError`/`onComplete` (§1.7). Methods return normally (§2.13); the one permitted throw is a
 * `TypeError` for a `null` or `undefined` argument, the JavaScript counterpart of the JVM's NullPointerException.
 */
export interface Subscriber<T> {
  onSubscribe(subscription: Subscription): void;
  onNext: (value: T) => void;
  onError(error: Error): void;
  onComplete(): void;
}
