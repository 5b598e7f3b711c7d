import type { Subscriber } from '../spec/Subscriber';
import { isConditional, type ConditionalSubscriber } from './conditional';
import { DroppingSubscriber } from './DroppingSubscriber';
import { nullArgumentError, nullResultError } from './errors';

/**
 * `map(mapper)` then `filter(predicate)` fused into one stage (decision 0008): one subscriber, one null check on
 * entry, one `done` check, one hop per item. Observably the same as the two stages: both functions get the same
 * index (map is one-to-one, so filter's n-th input is map's n-th), a null mapper result is map's §2.13 TypeError,
 * either function throwing cancels upstream and signals `onError`, and a dropped item asks for a replacement
 * (`request(1)`) unless demand is unbounded or the source takes the conditional path (`tryOnNext`).
 */
export class MapFilterSubscriber<T, R> extends DroppingSubscriber<T, R> implements ConditionalSubscriber<T> {
  private readonly mapper: (value: T, index: number) => R;
  private readonly predicate: (value: R, index: number) => boolean;
  private index = 0;
  /** Items handed to an ordinary downstream through tryOnNext (see ConditionalSubscriber.delivered). */
  private forwarded = 0;
  private readonly conditional: ConditionalSubscriber<R> | null;

  constructor(
    downstream: Subscriber<R>,
    mapper: (value: T, index: number) => R,
    predicate: (value: R, index: number) => boolean,
  ) {
    super(downstream);
    this.mapper = mapper;
    this.predicate = predicate;
    this.conditional = isConditional(downstream) ? downstream : null;
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return;
    const index = this.index++;
    let result: R;
    let pass: boolean;
    try {
      result = this.mapper(value, index);
    } catch (error) {
      return this.failWith(error);
    }
    if (result == null) return this.failWith(nullResultError('map', 'mapper', result)); // §2.13
    try {
      pass = this.predicate(result, index);
    } catch (error) {
      return this.failWith(error);
    }
    if (pass) this.downstream.onNext(result);
    else this.dropped();
  }

  /** onNext for a conditional source: a dropped item is not replaced, a delivered one is counted. */
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

  get delivered(): number {
    return this.conditional !== null ? this.conditional.delivered : this.forwarded;
  }
}
