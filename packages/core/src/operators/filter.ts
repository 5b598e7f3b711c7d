import type { Flow, Operator } from '../Flow';
import { ConditionalStage } from '../internal/conditional';
import { nullArgumentError } from '../internal/errors';
import { mapStageOf } from '../internal/fusion';
import { lift } from '../internal/lift';
import { MapFilterSubscriber } from '../internal/MapFilterSubscriber';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

/**
 * Emits only the items for which `predicate` returns a truthy value.
 *
 * ```
 * source:                1 2 3 4 |
 * filter(x => x % 2):    1   3   |
 * upstream requests:     request(2), then request(1) for 2 and for 4
 * ```
 *
 * **Demand**: passes downstream requests upstream unchanged; each filtered-out item is replaced by one `request(1)`
 * upstream, so the downstream's demand is still met. Once downstream has requested unbounded demand (a request
 * ≥ `Number.MAX_SAFE_INTEGER`) no replacement requests are sent. A synchronous upstream that is already emitting only
 * adds the replacement to its demand (no recursion). **Errors**: if `predicate` throws, upstream is cancelled and
 * the error is signalled downstream. **Cancellation**: cancels upstream.
 *
 * @example
 * range(1, 6).pipe(filter((x) => x % 2 === 0)); // 2, 4, 6
 */
export function filter<T, S extends T>(predicate: (value: T, index: number) => value is S): Operator<T, S>;
export function filter<T>(predicate: (value: T, index: number) => boolean): Operator<T, T>;
export function filter<T>(predicate: (value: T, index: number) => boolean): Operator<T, T> {
  if (typeof predicate !== 'function') throw new TypeError(`filter: predicate must be a function, got ${typeof predicate}`);
  return (source: Publisher<T>): Flow<T> => {
    const stage = mapStageOf(source);
    if (stage !== undefined) {
      // map → filter: one fused stage on the map's upstream, same signals (decision 0008).
      const mapper = stage.mapper as (value: unknown, index: number) => T;
      return lift(stage.upstream, (downstream: Subscriber<T>) => new MapFilterSubscriber(downstream, mapper, predicate));
    }
    return lift(source, (downstream: Subscriber<T>) => new FilterSubscriber(downstream, predicate));
  };
}

class FilterSubscriber<T> extends ConditionalStage<T> {
  private readonly predicate: (value: T, index: number) => boolean;
  private index = 0;

  constructor(downstream: Subscriber<T>, predicate: (value: T, index: number) => boolean) {
    super(downstream);
    this.predicate = predicate;
  }

  /**
   * The one per-item path (`onNext` is ConditionalStage's): a dropped item is not replaced here and a delivered
   * one is counted (§1.1 the source counts only `delivered` items against demand, so downstream demand is
   * unchanged by a drop; on the ordinary path ConditionalStage asks for the replacement).
   */
  tryOnNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return;
    let pass: boolean;
    try {
      pass = this.predicate(value, this.index++);
    } catch (error) {
      this.failWith(error);
      return;
    }
    if (!pass) return;
    if (this.conditional !== null) {
      this.conditional.tryOnNext(value);
    } else {
      this.forwarded++;
      this.downstream.onNext(value);
    }
  }
}
