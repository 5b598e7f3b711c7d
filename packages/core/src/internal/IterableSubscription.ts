import type { Subscriber } from '../spec/Subscriber';
import { nullItemError } from './ArraySubscription';
import { DrainSubscription } from './DrainSubscription';
import { toError } from './errors';
import { reportDroppedError } from './report';

/**
 * Pulls a synchronous iterable against demand (used by `from`). The iterator is created on the first request and
 * `next()` is called once per requested item, never ahead of demand. Cancelling (or failing for a reason the
 * iterator did not cause) before the iterator is exhausted calls `iterator.return()`, as `for…of` does on `break`,
 * so generators run their `finally` blocks; a throw from `return()` is reported, not delivered.
 */
export class IterableSubscription<T> extends DrainSubscription<T> {
  private iterable: Iterable<T> | null;
  private iterator: Iterator<T> | null = null;
  private index = 0;

  constructor(downstream: Subscriber<T>, iterable: Iterable<T>) {
    super(downstream);
    this.iterable = iterable;
  }

  protected emitSome(downstream: Subscriber<T>): void {
    if (this.requested === 0) return;
    let iterator = this.iterator;
    if (iterator === null) {
      try {
        iterator = this.iterator = this.iterable![Symbol.iterator]();
      } catch (error) {
        return this.fail(toError(error));
      }
      this.iterable = null;
    }
    const unbounded = this.requested === Infinity;
    while (unbounded || this.requested > 0) {
      let result: IteratorResult<T>;
      try {
        result = iterator.next();
        if (result === null || typeof result !== 'object') {
          throw new TypeError(`from: iterator.next() returned ${String(result)}, not an iterator result object`);
        }
      } catch (error) {
        this.iterator = null; // the iterator failed on its own: no return() (as for…of)
        return this.fail(toError(error));
      }
      if (result.done) {
        this.iterator = null;
        return this.complete();
      }
      const item = result.value;
      if (item == null) return this.fail(nullItemError('from', this.index, item)); // §2.13 never an element
      this.index++;
      if (!unbounded) this.requested--;
      downstream.onNext(item);
      if (this.cancelled) return;
    }
  }

  protected override dispose(): void {
    this.iterable = null;
    const iterator = this.iterator;
    this.iterator = null; // §3.13
    if (iterator === null || typeof iterator.return !== 'function') return;
    try {
      iterator.return();
    } catch (error) {
      reportDroppedError(error); // §3.15 cancel returns normally; nobody listens any more: dropped
    }
  }
}
