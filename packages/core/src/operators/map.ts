import type { Flow, Operator } from '../Flow';
import { ConditionalStage } from '../internal/conditional';
import { nullArgumentError, nullResultError } from '../internal/errors';
import { recordMapStage } from '../internal/fusion';
import { lift, toFlow } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

/**
 * Applies `mapper` to each item.
 *
 * ```
 * source:       1 2 3 |
 * map(x => 2x): 2 4 6 |
 * ```
 *
 * **Demand**: passes downstream requests upstream unchanged, one item out per item in (when a `filter` after it
 * drops an item, the replacement `request(1)` is that filter's, made from here). **Errors**: if `mapper`
 * throws or returns `null`/`undefined`, upstream is cancelled and the error (a `TypeError` for nullish results) is
 * signalled downstream. **Cancellation**: cancels upstream.
 *
 * @example
 * range(1, 3).pipe(map((x) => x * 2)); // 2, 4, 6
 */
export function map<T, R>(mapper: (value: T, index: number) => R): Operator<T, R> {
  if (typeof mapper !== 'function') throw new TypeError(`map: mapper must be a function, got ${typeof mapper}`);
  return (source: Publisher<T>): Flow<R> => {
    const upstream = toFlow(source);
    const flow = lift(upstream, (downstream: Subscriber<R>) => new MapSubscriber(downstream, mapper));
    recordMapStage(flow, upstream, mapper); // a filter applied next fuses into this stage (decision 0008)
    return flow;
  };
}

class MapSubscriber<T, R> extends ConditionalStage<T, R> {
  private readonly mapper: (value: T, index: number) => R;
  private index = 0;

  constructor(downstream: Subscriber<R>, mapper: (value: T, index: number) => R) {
    super(downstream);
    this.mapper = mapper;
  }

  /** The one per-item path (`onNext` is ConditionalStage's): a delivered item is counted in `delivered`. */
  tryOnNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return;
    let result: R;
    try {
      result = this.mapper(value, this.index++);
    } catch (error) {
      this.failWith(error);
      return;
    }
    if (result == null) {
      this.failWith(nullResultError('map', 'mapper', result)); // §2.13
      return;
    }
    if (this.conditional !== null) {
      this.conditional.tryOnNext(result);
    } else {
      this.forwarded++;
      this.downstream.onNext(result);
    }
  }
}
