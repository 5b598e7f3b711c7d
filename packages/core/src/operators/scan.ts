import type { Flow, Operator } from '../Flow';
import { nullArgumentError, nullResultError } from '../internal/errors';
import { ForwardingSubscriber } from '../internal/ForwardingSubscriber';
import { lift } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

/**
 * Emits the running accumulation: `reducer(accumulator, item, index)` for each item, starting from `seed`. The
 * seed itself is not emitted.
 *
 * ```
 * source:                       1 2 3 |
 * scan((acc, x) => acc + x, 0): 1 3 6 |
 * ```
 *
 * **Demand**: passes downstream requests upstream unchanged, one accumulation out per item in. **Errors**: if
 * `reducer` throws or returns `null`/`undefined`, upstream is cancelled and the error (a `TypeError` for nullish
 * results) is signalled downstream. **Cancellation**: cancels upstream and drops the accumulator.
 *
 * @example
 * range(1, 4).pipe(scan((sum, x) => sum + x, 0)); // 1, 3, 6, 10
 */
export function scan<T, A>(reducer: (accumulator: A, value: T, index: number) => A, seed: A): Operator<T, A> {
  if (typeof reducer !== 'function') throw new TypeError(`scan: reducer must be a function, got ${typeof reducer}`);
  if (arguments.length < 2) throw new TypeError('scan: a seed is required');
  return (source: Publisher<T>): Flow<A> => lift(source, (downstream: Subscriber<A>) => new ScanSubscriber(downstream, reducer, seed));
}

class ScanSubscriber<T, A> extends ForwardingSubscriber<T, A> {
  private readonly reducer: (accumulator: A, value: T, index: number) => A;
  private accumulator: A | undefined;
  private index = 0;

  constructor(downstream: Subscriber<A>, reducer: (accumulator: A, value: T, index: number) => A, seed: A) {
    super(downstream);
    this.reducer = reducer;
    this.accumulator = seed;
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return;
    let result: A;
    try {
      result = this.reducer(this.accumulator as A, value, this.index++);
    } catch (error) {
      this.accumulator = undefined;
      return this.failWith(error);
    }
    if (result == null) return this.failWith(nullResultError('scan', 'reducer', result)); // §2.13
    this.accumulator = result;
    this.downstream.onNext(result);
  }

  override cancel(): void {
    this.accumulator = undefined; // §3.13
    super.cancel();
  }
}
