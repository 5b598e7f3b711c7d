import type { Flow, Operator } from '../Flow';
import { nullArgumentError, toError } from '../internal/errors';
import { ForwardingSubscriber } from '../internal/ForwardingSubscriber';
import { lift } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import { EmptyError } from '../sinks/EmptyError';

/**
 * Passes every item through; if the source completes without any, signals `onError` with the error that
 * `errorFactory` returns (an `EmptyError` by default) instead of completing.
 *
 * ```
 * source:       ---|
 * throwIfEmpty: ---#   (EmptyError)
 * ```
 *
 * **Demand**: pass-through. **Errors**: upstream errors pass through; a throwing `errorFactory` signals what it
 * threw. **Cancellation**: cancels upstream.
 *
 * @example
 * empty().pipe(throwIfEmpty(() => new Error('no rows'))); // onError(Error: no rows)
 */
export function throwIfEmpty<T>(errorFactory: () => unknown = defaultEmptyError('throwIfEmpty')): Operator<T, T> {
  if (typeof errorFactory !== 'function') {
    throw new TypeError(`throwIfEmpty: errorFactory must be a function, got ${typeof errorFactory}`);
  }
  return (source: Publisher<T>): Flow<T> => lift(source, (downstream: Subscriber<T>) => new ThrowIfEmptySubscriber(downstream, errorFactory));
}

/** The default error of the operators that fail on an empty source (`throwIfEmpty`, `first`, `last`, ...). */
export function defaultEmptyError(operator: string): () => Error {
  return () => new EmptyError(operator, `${operator}: the source completed without emitting any item; pass a default value to emit it instead`);
}

class ThrowIfEmptySubscriber<T> extends ForwardingSubscriber<T> {
  private empty = true;

  constructor(downstream: Subscriber<T>, private readonly errorFactory: () => unknown) {
    super(downstream);
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return;
    this.empty = false;
    this.downstream.onNext(value);
  }

  override onComplete(): void {
    if (this.done) return; // §1.7
    if (!this.empty) return super.onComplete();
    this.done = true;
    let error: Error;
    try {
      error = toError(this.errorFactory());
    } catch (thrown) {
      error = toError(thrown);
    }
    this.downstream.onError(error);
  }
}
