import { ForwardingSubscriber } from './ForwardingSubscriber';

/**
 * The base of pass-through operators that drop some items (filter, distinctUntilChanged, …). Demand passes
 * straight through, and each dropped item is replaced by `request(1)` upstream, so downstream still receives what
 * it asked for (§1.1 is kept: one item in, at most one out). Once downstream has asked for unbounded demand the
 * replacement is skipped, since the upstream owes everything anyway.
 *
 * A replacement request usually reaches an upstream that is inside its own emit loop (the `onNext` that dropped
 * the item runs inside it); a DrainSubscription then only adds the demand and its running loop continues (§3.3),
 * so dropping a million items in a row does not grow the stack.
 */
export abstract class DroppingSubscriber<T, R = T> extends ForwardingSubscriber<T, R> {
  /** True once downstream requested unbounded demand (a single request ≥ Number.MAX_SAFE_INTEGER, §3.17). */
  protected unbounded = false;

  override request(n: number): void {
    if (typeof n === 'number' && n >= Number.MAX_SAFE_INTEGER) this.unbounded = true;
    super.request(n);
  }

  /** Call for each item that is not forwarded: asks upstream for a replacement unless demand is unbounded. */
  protected dropped(): void {
    if (!this.unbounded && !this.done) this.upstream!.request(1);
  }
}
