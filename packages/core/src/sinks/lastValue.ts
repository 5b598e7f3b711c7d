import type { Publisher } from '../spec/Publisher';
import { EmptyError } from './EmptyError';
import type { ValueOptions } from './firstValue';
import { PromiseSubscriber, requireAbortSignal, requireOptions, type SinkOptions } from './PromiseSubscriber';

/**
 * Resolves with the last item once the source completes. Keeps one item, never a list.
 *
 * ```
 * source:    --a--b--c--|
 * request:   Infinity
 * lastValue: -----------(c)
 * ```
 *
 * **Demand**: unbounded (`request(Infinity)`): only the latest item is held. **Errors**: rejects with the upstream
 * error; rejects with `EmptyError` when the source completes empty, unless `defaultValue` is given. **Cancellation**:
 * aborting `signal` cancels upstream and rejects with `signal.reason`. An infinite source never settles: bound it first
 * (`take`, `takeWhile`) or pass a signal.
 *
 * With the `reduce` operator this is the folding sink: `await lastValue(flow.pipe(reduce(add, 0)))`.
 *
 * @example
 * await lastValue(range(1, 3)); // 3
 */
export function lastValue<T>(source: Publisher<T>, options?: SinkOptions): Promise<T>;
export function lastValue<T, D>(source: Publisher<T>, options: ValueOptions<D> & { defaultValue: D }): Promise<T | D>;
export function lastValue<T, D>(source: Publisher<T>, options?: ValueOptions<D>): Promise<T | D> {
  const opts = requireOptions('lastValue', options);
  const signal = requireAbortSignal('lastValue', opts.signal);
  const subscriber = new LastValueSubscriber<T, D>(signal, 'defaultValue' in opts, opts.defaultValue as D);
  return subscriber.start(source);
}

class LastValueSubscriber<T, D> extends PromiseSubscriber<T, T | D> {
  private readonly hasDefault: boolean;
  private defaultValue: D | undefined;
  private last: T | undefined = undefined;
  private hasValue = false;

  constructor(signal: AbortSignal | undefined, hasDefault: boolean, defaultValue: D) {
    super(signal);
    this.hasDefault = hasDefault;
    this.defaultValue = defaultValue;
  }

  protected override hookOnNext(value: T): void {
    this.last = value;
    this.hasValue = true;
  }

  protected override hookOnComplete(): void {
    if (this.hasValue) this.resolveWith(this.last as T);
    else if (this.hasDefault) this.resolveWith(this.defaultValue as D);
    else this.rejectWith(new EmptyError('lastValue'));
  }

  protected override hookFinally(): void {
    this.last = undefined;
    this.defaultValue = undefined;
  }
}
