import type { Subscriber } from './Subscriber';

/**
 * A source of possibly unbounded elements, delivered only on demand (Reactive Streams `Publisher`).
 *
 * `subscribe` must call `onSubscribe` before any other signal and return normally (§1.9); the only permitted
 * throw is a `TypeError` when `subscriber` is `null`/`undefined`.
 */
export interface Publisher<T> {
  subscribe: (subscriber: Subscriber<T>) => void;
}
