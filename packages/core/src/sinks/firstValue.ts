import type { Publisher } from '../spec/Publisher';
import { EmptyError } from './EmptyError';
import { PromiseSubscriber, requireAbortSignal, requireOptions, type SinkOptions } from './PromiseSubscriber';

/** Options of `firstValue` and `lastValue`. */
export interface ValueOptions<D> extends SinkOptions {
  /** Resolves with this instead of rejecting with `EmptyError` when the source is empty (`undefined` is allowed). */
  defaultValue?: D;
}

/**
 * Resolves with the first item, then cancels upstream.
 *
 * ```
 * source:     --a--b--c--|
 * request:    1
 * firstValue: --(a)          (upstream cancelled)
 * ```
 *
 * **Demand**: `request(1)`, nothing more. **Errors**: rejects with the upstream error; rejects with `EmptyError` when
 * the source completes empty, unless `defaultValue` is given. **Cancellation**: cancels upstream right after the first
 * item; aborting `signal` cancels and rejects with `signal.reason`.
 *
 * @example
 * await firstValue(range(5, 10)); // 5
 * await firstValue(empty(), { defaultValue: 0 }); // 0
 */
export function firstValue<T>(source: Publisher<T>, options?: SinkOptions): Promise<T>;
export function firstValue<T, D>(source: Publisher<T>, options: ValueOptions<D> & { defaultValue: D }): Promise<T | D>;
export function firstValue<T, D>(source: Publisher<T>, options?: ValueOptions<D>): Promise<T | D> {
  const opts = requireOptions('firstValue', options);
  const signal = requireAbortSignal('firstValue', opts.signal);
  const subscriber = new FirstValueSubscriber<T, D>(signal, 'defaultValue' in opts, opts.defaultValue as D);
  return subscriber.start(source);
}

class FirstValueSubscriber<T, D> extends PromiseSubscriber<T, T | D> {
  private readonly hasDefault: boolean;
  private defaultValue: D | undefined;

  constructor(signal: AbortSignal | undefined, hasDefault: boolean, defaultValue: D) {
    super(signal);
    this.hasDefault = hasDefault;
    this.defaultValue = defaultValue;
  }

  protected override hookOnSubscribe(): void {
    this.request(1);
  }

  protected override hookOnNext(value: T): void {
    this.cancel();
    this.resolveWith(value);
  }

  protected override hookOnComplete(): void {
    if (this.hasDefault) this.resolveWith(this.defaultValue as D);
    else this.rejectWith(new EmptyError('firstValue'));
  }

  protected override hookFinally(): void {
    this.defaultValue = undefined;
  }
}
