import type { Subscriber } from '../spec/Subscriber';
import { DroppingSubscriber } from './DroppingSubscriber';

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

/**
 * The base of the conditional stages (map, filter, fused map-then-filter): a stage writes its per-item work once,
 * as `tryOnNext`, handing a kept item to `conditional.tryOnNext` when the downstream counts its own deliveries and
 * otherwise counting it in `forwarded` before `downstream.onNext`. The ordinary `onNext` is derived here: it runs
 * `tryOnNext` and, if nothing reached the first ordinary Subscriber downstream (this stage or a conditional one
 * after it dropped the item), asks upstream for a replacement (`dropped()`: `request(1)` unless demand is
 * unbounded or the stage is done). So one body serves both paths, and a source that counts deliveries (range)
 * runs exactly the code it ran before the fold (W1's per-item path).
 */
export abstract class ConditionalStage<T, R = T> extends DroppingSubscriber<T, R> implements ConditionalSubscriber<T> {
  /** Items handed to an ordinary downstream through tryOnNext (see ConditionalSubscriber.delivered). */
  protected forwarded = 0;
  /** The downstream counts its own deliveries (a filter after a map): kept items go to its tryOnNext. */
  protected readonly conditional: ConditionalSubscriber<R> | null;

  constructor(downstream: Subscriber<R>) {
    super(downstream);
    this.conditional = isConditional(downstream) ? downstream : null;
  }

  abstract tryOnNext(value: T): void;

  get delivered(): number {
    return this.conditional !== null ? this.conditional.delivered : this.forwarded;
  }

  onNext(value: T): void {
    const before = this.delivered;
    this.tryOnNext(value); // §2.13 and the done check are tryOnNext's
    if (this.delivered === before) this.dropped(); // a drop anywhere in the conditional chain is replaced here
  }
}
