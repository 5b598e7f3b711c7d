import type { Subscriber } from '../spec/Subscriber';

/**
 * A Subscriber that drops items without asking for replacements, and counts what it delivers (after Reactor's
 * ConditionalSubscriber, decision 0008). A synchronous source that sees one calls `tryOnNext` instead of `onNext`
 * and, instead of one decision per item, reads `delivered` once per run of items: it emits at most
 * `requested - delivered` more before it looks again, so a dropping stage (filter) costs neither a `request(1)`
 * round trip nor a per-item answer to the source (§1.1 still holds: only delivered items count against demand).
 *
 * `tryOnNext` has exactly the checks and effects of `onNext` (§2.13 null check, user-function errors,
 * cancellation) except that a dropped item is not replaced. A chain of conditional stages answers `delivered` from
 * its last stage, the one whose downstream is an ordinary Subscriber.
 */
export interface ConditionalSubscriber<T> extends Subscriber<T> {
  tryOnNext(value: T): void;
  /** Items handed so far to the first ordinary (non-conditional) Subscriber downstream. */
  readonly delivered: number;
}

/** True when `subscriber` takes the conditional path (checked once per drain pass, not per item). */
export function isConditional<T>(subscriber: Subscriber<T>): subscriber is ConditionalSubscriber<T> {
  return typeof (subscriber as Partial<ConditionalSubscriber<T>>).tryOnNext === 'function';
}
