import type { Subscriber } from '../spec/Subscriber';
import { withCode } from './errors';
import { DrainSubscription } from './DrainSubscription';

/**
 * Emits the items of an array in order, against demand, then completes (shared by `of`, `from(array)` and, through
 * `arraySource`, the combinators that feed a fixed list into an engine). The
 * array is read live, index by index, as demand arrives. An empty array completes without waiting for demand.
 * A `null`/`undefined` slot fails the subscription with a `TypeError` when it is reached (§2.13).
 */
export class ArraySubscription<T> extends DrainSubscription<T> {
  private items: ArrayLike<T> | null;
  private index = 0;
  private readonly source: string;

  constructor(downstream: Subscriber<T>, items: ArrayLike<T>, source: string) {
    super(downstream);
    this.items = items;
    this.source = source;
  }

  /** An empty array completes at once, without demand (§1.2). */
  protected override onBegin(): void {
    if (this.items!.length === 0) this.drain();
  }

  protected emitSome(downstream: Subscriber<T>): void {
    const items = this.items!;
    let index = this.index;
    // Reactor's fast path: with unbounded demand there is nothing to count.
    const unbounded = this.requested === Infinity;
    while (index < items.length && (unbounded || this.requested > 0)) {
      const item = items[index];
      if (item == null) return this.fail(nullItemError(this.source, index, item)); // §2.13 never an element
      index++;
      if (!unbounded) this.requested--;
      this.index = index;
      downstream.onNext(item);
      if (this.cancelled) return;
    }
    if (index >= items.length) this.complete();
  }

  protected override dispose(): void {
    this.items = null; // §3.13 the array may be large; do not keep it past the subscription
  }
}

/** §2.13: a source met a `null`/`undefined` where an element was due. */
export function nullItemError(source: string, index: number, value: unknown): TypeError {
  return withCode(new TypeError(`§2.13: ${source}: item ${index} is ${String(value)}; null and undefined are not elements`), 'ERR_SLUICE_NULL_SIGNAL');
}
