import type { Subscriber } from '../spec/Subscriber';

/**
 * A Subscriber that can say whether an item counted against demand (Reactor's ConditionalSubscriber). A
 * synchronous source that sees one calls `tryOnNext` in its bounded loop and decrements its demand only for `true`,
 * so a dropping stage (filter) needs no `request(1)` round trip per dropped item. `tryOnNext` has exactly the
 * checks and effects of `onNext` (§2.13 null check, user-function errors, cancellation); `false` means the item was
 * dropped and the stage did not ask for a replacement.
 */
export interface ConditionalSubscriber<T> extends Subscriber<T> {
  tryOnNext(value: T): boolean;
}

/** True when `subscriber` takes the conditional path (checked once per subscription, not per item). */
export function isConditional<T>(subscriber: Subscriber<T>): subscriber is ConditionalSubscriber<T> {
  return typeof (subscriber as Partial<ConditionalSubscriber<T>>).tryOnNext === 'function';
}
