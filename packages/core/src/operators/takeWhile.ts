import type { Flow, Operator } from '../Flow';
import { nullArgumentError } from '../internal/errors';
import { ForwardingSubscriber } from '../internal/ForwardingSubscriber';
import { lift } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

export interface TakeWhileOptions {
  /** Also emit the first item that fails the predicate, before completing. Default `false`. */
  inclusive?: boolean;
}

/**
 * Emits items while `predicate` holds; at the first item that fails it, cancels upstream and completes.
 *
 * ```
 * source:                              1 2 3 1 |
 * takeWhile(x => x < 3):               1 2|
 * takeWhile(x => x < 3, {inclusive}):  1 2 3|
 * ```
 *
 * **Demand**: passes downstream requests upstream unchanged, one item out per item in (the failing item, emitted
 * or not, ends the stream, so no replacement is requested). **Errors**: if `predicate` throws, upstream is
 * cancelled and the error is signalled downstream. **Cancellation**: cancels upstream; the failing item cancels
 * upstream before `onComplete`.
 *
 * @example
 * range(1, 10).pipe(takeWhile((x) => x < 4)); // 1, 2, 3
 */
export function takeWhile<T, S extends T>(predicate: (value: T, index: number) => value is S, options?: { inclusive?: false }): Operator<T, S>;
export function takeWhile<T>(predicate: (value: T, index: number) => boolean, options?: TakeWhileOptions): Operator<T, T>;
export function takeWhile<T>(predicate: (value: T, index: number) => boolean, options: TakeWhileOptions = {}): Operator<T, T> {
  if (typeof predicate !== 'function') throw new TypeError(`takeWhile: predicate must be a function, got ${typeof predicate}`);
  if (options === null || typeof options !== 'object') throw new TypeError(`takeWhile: options must be an object, got ${String(options)}`);
  const inclusive = options.inclusive ?? false;
  if (typeof inclusive !== 'boolean') throw new TypeError(`takeWhile: options.inclusive must be a boolean, got ${typeof inclusive}`);
  return (source: Publisher<T>): Flow<T> =>
    lift(source, (downstream: Subscriber<T>) => new TakeWhileSubscriber(downstream, predicate, inclusive));
}

class TakeWhileSubscriber<T> extends ForwardingSubscriber<T> {
  private readonly predicate: (value: T, index: number) => boolean;
  private readonly inclusive: boolean;
  private index = 0;
  /** Downstream cancelled (possibly from inside the inclusive onNext). */
  private cancelled = false;

  constructor(downstream: Subscriber<T>, predicate: (value: T, index: number) => boolean, inclusive: boolean) {
    super(downstream);
    this.predicate = predicate;
    this.inclusive = inclusive;
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return;
    let pass: boolean;
    try {
      pass = this.predicate(value, this.index++);
    } catch (error) {
      return this.failWith(error);
    }
    if (pass) {
      this.downstream.onNext(value);
      return;
    }
    this.done = true;
    this.cancelUpstream();
    if (this.inclusive) {
      this.downstream.onNext(value);
      if (this.cancelled) return;
    }
    this.downstream.onComplete();
  }

  override cancel(): void {
    this.cancelled = true;
    super.cancel();
  }
}
