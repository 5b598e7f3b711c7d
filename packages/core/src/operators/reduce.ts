import type { Flow, Operator } from '../Flow';
import { UNBOUNDED } from '../internal/demand';
import { QueueStage } from '../internal/QueueStage';
import { nullResultError, toError } from '../internal/errors';
import { lift } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

/**
 * Folds all items with `reducer(accumulator, item, index)` and emits the final accumulator once, when upstream
 * completes. With a `seed`, an empty source emits the seed; without one, the first item is the starting
 * accumulator and an empty source completes without emitting.
 *
 * ```
 * source:                         1 2 3 |
 * reduce((acc, x) => acc + x, 0):       6|
 * reduce((acc, x) => acc + x):          6|
 * empty source, no seed:                 |
 * ```
 *
 * **Demand**: at the first downstream request it requests unbounded demand upstream, once. That is bounded memory:
 * the stage holds one accumulator, never a queue of items. The result is emitted only once downstream has
 * requested (so a completion that arrives first is held until `request(n)`). Downstream requests are validated
 * here: an invalid one cancels upstream and signals `onError(RangeError)` (§3.9). **Errors**: if `reducer` throws or
 * returns `null`/`undefined`, upstream is cancelled and the error (a `TypeError` for nullish results) is signalled;
 * upstream errors pass through. **Cancellation**: cancels upstream and drops the accumulator.
 *
 * @example
 * range(1, 4).pipe(reduce((sum, x) => sum + x, 0)); // 10
 */
export function reduce<T>(reducer: (accumulator: T, value: T, index: number) => T): Operator<T, T>;
export function reduce<T, A>(reducer: (accumulator: A, value: T, index: number) => A, seed: A): Operator<T, A>;
export function reduce<T, A>(reducer: (accumulator: A, value: T, index: number) => A, seed?: A): Operator<T, A> {
  if (typeof reducer !== 'function') throw new TypeError(`reduce: reducer must be a function, got ${typeof reducer}`);
  const hasSeed = arguments.length >= 2;
  if (hasSeed && seed == null) throw new TypeError(`reduce: the seed must not be ${String(seed)} (it may be emitted)`);
  return (source: Publisher<T>): Flow<A> =>
    lift(source, (downstream: Subscriber<A>) => new ReduceSubscriber<T, A>(downstream, reducer, hasSeed, seed));
}

class ReduceSubscriber<T, A> extends QueueStage<T, A> {
  private reducer: ((accumulator: A, value: T, index: number) => A) | null;
  private accumulator: A | undefined;
  private hasValue: boolean;
  private index = 0;
  private upstreamStarted = false;

  constructor(downstream: Subscriber<A>, reducer: (accumulator: A, value: T, index: number) => A, hasSeed: boolean, seed: A | undefined) {
    super(downstream);
    this.reducer = reducer;
    this.hasValue = hasSeed;
    this.accumulator = seed;
  }

  protected accept(value: T): void {
    const index = this.index++;
    if (!this.hasValue) {
      this.hasValue = true;
      this.accumulator = value as unknown as A;
      return;
    }
    let result: A;
    try {
      result = this.reducer!(this.accumulator as A, value, index);
    } catch (error) {
      return this.failWith(toError(error));
    }
    if (result == null) return this.failWith(nullResultError('reduce', 'reducer', result)); // §2.13
    this.accumulator = result;
  }

  protected emitSome(downstream: Subscriber<A>): void {
    if (this.error !== null) return this.fail(this.error);
    if (!this.done) {
      if (this.requested > 0 && !this.upstreamStarted) {
        this.upstreamStarted = true;
        this.upstream!.request(UNBOUNDED); // one accumulator only: bounded memory whatever the source size
      }
      return;
    }
    if (!this.hasValue) return this.complete();
    if (this.requested === 0) return; // hold the result until it is requested (§1.1)
    const result = this.accumulator as A;
    this.accumulator = undefined;
    this.requested--;
    downstream.onNext(result);
    if (!this.cancelled) this.complete();
  }

  protected override dispose(): void {
    this.reducer = null; // §3.13
    this.accumulator = undefined;
    super.dispose();
  }

  private failWith(error: Error): void {
    this.stopIntake(error); // the reducer failed: cancel upstream, then signal
    this.drain();
  }
}
