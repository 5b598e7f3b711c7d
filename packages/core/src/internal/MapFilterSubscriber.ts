import type { Subscriber } from '../spec/Subscriber';
import { ConditionalStage } from './conditional';
import { nullArgumentError, nullResultError } from './errors';

/**
 * `map(mapper)` then `filter(predicate)` fused into one stage (decision 0008): one subscriber, one null check on
 * entry, one `done` check, one hop per item. Observably the same as the two stages: both functions get the same
 * index (map is one-to-one, so filter's n-th input is map's n-th), a null mapper result is map's §2.13 TypeError,
 * either function throwing cancels upstream and signals `onError`, and a dropped item asks for a replacement
 * (`request(1)`) unless demand is unbounded or the source takes the conditional path (`tryOnNext`).
 */
export class MapFilterSubscriber<T, R> extends ConditionalStage<T, R> {
  private readonly mapper: (value: T, index: number) => R;
  private readonly predicate: (value: R, index: number) => boolean;
  private index = 0;

  constructor(
    downstream: Subscriber<R>,
    mapper: (value: T, index: number) => R,
    predicate: (value: R, index: number) => boolean,
  ) {
    super(downstream);
    this.mapper = mapper;
    this.predicate = predicate;
  }

  /**
   * The one per-item path (`onNext` is ConditionalStage's): a dropped item is not replaced here, a delivered one is
   * counted. This is W1's per-item code (range calls it), unchanged by the fold of the onNext twin.
   */
  tryOnNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return;
    const index = this.index++;
    let result: R;
    let pass: boolean;
    try {
      result = this.mapper(value, index);
    } catch (error) {
      this.failWith(error);
      return;
    }
    if (result == null) {
      this.failWith(nullResultError('map', 'mapper', result)); // §2.13
      return;
    }
    try {
      pass = this.predicate(result, index);
    } catch (error) {
      this.failWith(error);
      return;
    }
    if (!pass) return;
    if (this.conditional !== null) {
      this.conditional.tryOnNext(result);
    } else {
      this.forwarded++;
      this.downstream.onNext(result);
    }
  }
}
