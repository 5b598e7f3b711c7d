import type { Flow, Operator } from '../Flow';
import { nullArgumentError } from '../internal/errors';
import { ForwardingSubscriber } from '../internal/ForwardingSubscriber';
import { lift } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

/**
 * Drops items while `predicate` holds, then emits every item from the first one for which it fails (that one
 * included). The predicate is not called again after it failed once.
 *
 * ```
 * source:                 1 2 5 1 6 |
 * skipWhile((x) => x < 3):    5 1 6 |
 * ```
 *
 * **Demand**: pass-through, plus one replacement `request(1)` upstream for each dropped item, so the downstream
 * still receives what it asked for. **Errors**: a throwing predicate cancels upstream and signals `onError` with
 * what it threw; upstream errors pass through. **Cancellation**: cancels upstream.
 *
 * @example
 * range(0, 6).pipe(skipWhile((x) => x < 4)); // 4, 5
 */
export function skipWhile<T>(predicate: (value: T, index: number) => boolean): Operator<T, T> {
  if (typeof predicate !== 'function') throw new TypeError(`skipWhile: predicate must be a function, got ${typeof predicate}`);
  return (source: Publisher<T>): Flow<T> => lift(source, (downstream: Subscriber<T>) => new SkipWhileSubscriber(downstream, predicate));
}

class SkipWhileSubscriber<T> extends ForwardingSubscriber<T> {
  private predicate: ((value: T, index: number) => boolean) | null;
  private index = 0;

  constructor(downstream: Subscriber<T>, predicate: (value: T, index: number) => boolean) {
    super(downstream);
    this.predicate = predicate;
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return;
    const predicate = this.predicate;
    if (predicate !== null) {
      let skip: boolean;
      try {
        skip = predicate(value, this.index++);
      } catch (error) {
        return this.failWith(error);
      }
      if (skip) {
        this.upstream!.request(1); // replaces the dropped item (§1.1 the downstream still gets what it asked)
        return;
      }
      this.predicate = null; // §3.13 no longer needed
    }
    this.downstream.onNext(value);
  }
}
