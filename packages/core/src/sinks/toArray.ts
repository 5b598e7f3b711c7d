import { requirePositiveBound, UNBOUNDED } from '../internal/demand';
import { withCode } from '../internal/errors';
import type { Publisher } from '../spec/Publisher';
import { PromiseSubscriber, requireAbortSignal, requireOptions, type SinkOptions } from './PromiseSubscriber';

/** The default bound of `toArray`: beyond this many items it rejects instead of growing without limit. */
export const DEFAULT_TO_ARRAY_LIMIT = 100_000;

/** Options of `toArray`. */
export interface ToArrayOptions extends SinkOptions {
  /** The most items collected (default 100,000). One more rejects. `Infinity` opts into an unbounded array. */
  limit?: number;
}

/**
 * Collects every item into an array and resolves with it on completion.
 *
 * ```
 * source:  --1--2--3--|
 * request: 100001
 * toArray: -----------([1, 2, 3])
 * ```
 *
 * **Demand**: one request of `limit + 1` (the extra one detects an overrun), or `Infinity` when `limit` is
 * `Infinity`. **Errors**: rejects with the upstream error; if the source emits more than `limit` items, cancels
 * upstream and rejects with a RangeError naming the limit, so an endless source cannot fill memory by surprise.
 * **Cancellation**: aborting `signal` cancels upstream and rejects with `signal.reason`.
 *
 * @example
 * await toArray(range(1, 3)); // [1, 2, 3]
 * await toArray(range(0, 1e6), { limit: Infinity }); // explicitly unbounded
 */
export function toArray<T>(source: Publisher<T>, options?: ToArrayOptions): Promise<T[]> {
  const opts = requireOptions('toArray', options);
  const limit = opts.limit === undefined ? DEFAULT_TO_ARRAY_LIMIT : requirePositiveBound('toArray: limit', opts.limit, true);
  const signal = requireAbortSignal('toArray', opts.signal);
  return new ToArraySubscriber<T>(signal, limit).start(source);
}

class ToArraySubscriber<T> extends PromiseSubscriber<T, T[]> {
  private readonly limit: number;
  private items: T[] = [];

  constructor(signal: AbortSignal | undefined, limit: number) {
    super(signal);
    this.limit = limit;
  }

  protected override hookOnSubscribe(): void {
    this.request(this.limit === UNBOUNDED ? UNBOUNDED : this.limit + 1);
  }

  protected override hookOnNext(value: T): void {
    if (this.items.length === this.limit) {
      this.cancel();
      this.rejectWith(
        withCode(new RangeError(`toArray: the source emitted more than ${this.limit} items; pass { limit } with a larger bound (or Infinity) to collect more`), 'ERR_SLUICE_LIMIT'),
      );
      return;
    }
    this.items.push(value);
  }

  protected override hookOnComplete(): void {
    this.resolveWith(this.items);
  }

  protected override hookFinally(): void {
    this.items = []; // release the collected items on error or cancel; a resolved promise owns the array already
  }
}
