import type { Flow, Operator } from '../Flow';
import { addDemand, isValidRequest, produced } from '../internal/demand';
import { invalidRequestError, nullArgumentError } from '../internal/errors';
import { ForwardingSubscriber } from '../internal/ForwardingSubscriber';
import { lift } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

/**
 * Passes every item through; if the source completes without any, emits `defaultValue` and then completes.
 *
 * ```
 * source:            ---|
 * defaultIfEmpty(0): ---(0|)
 * ```
 *
 * **Demand**: pass-through. The default is emitted only against demand (§1.1): if the source completes empty while
 * nothing is requested, the default is held until the next `request(n)`. **Errors**: upstream errors pass through;
 * an invalid `request(n)` while the default is held signals `onError(RangeError)` (§3.9). **Cancellation**: cancels
 * upstream; a held default is dropped.
 *
 * @example
 * empty().pipe(defaultIfEmpty('none')); // 'none'
 */
export function defaultIfEmpty<T, D>(defaultValue: D): Operator<T, T | D> {
  if (defaultValue == null) throw new TypeError(`defaultIfEmpty: the default value must not be ${String(defaultValue)} (§2.13)`);
  return (source: Publisher<T>): Flow<T | D> =>
    lift(source, (downstream: Subscriber<T | D>) => new DefaultIfEmptySubscriber<T, D>(downstream, defaultValue));
}

class DefaultIfEmptySubscriber<T, D> extends ForwardingSubscriber<T, T | D> {
  private empty = true;
  /** Downstream demand not yet met, tracked only to know whether the default may be emitted at completion. */
  private outstanding = 0;
  /** The source completed empty and the default waits for demand. */
  private holding = false;
  private defaultValue: D | undefined;
  private cancelled = false;

  constructor(downstream: Subscriber<T | D>, defaultValue: D) {
    super(downstream);
    this.defaultValue = defaultValue;
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return;
    this.empty = false;
    this.outstanding = produced(this.outstanding, 1);
    this.downstream.onNext(value);
  }

  override onComplete(): void {
    if (this.done) return; // §1.7
    if (!this.empty) return super.onComplete();
    if (this.outstanding > 0) return this.emitDefault();
    this.holding = true; // §1.1 wait for a request
  }

  override request(n: number): void {
    if (this.done) return; // §3.6
    if (this.holding) {
      if (!isValidRequest(n)) {
        this.done = true;
        this.defaultValue = undefined;
        this.downstream.onError(invalidRequestError(n)); // §3.9
        return;
      }
      return this.emitDefault();
    }
    if (isValidRequest(n)) this.outstanding = addDemand(this.outstanding, n);
    this.upstream!.request(n); // an invalid n reaches the source, which signals the §3.9 error
  }

  override cancel(): void {
    this.cancelled = true;
    this.defaultValue = undefined; // §3.13
    if (this.holding) {
      this.done = true;
      return; // upstream already completed
    }
    this.done = true;
    super.cancel();
  }

  private emitDefault(): void {
    this.holding = false;
    this.done = true;
    const value = this.defaultValue as D;
    this.defaultValue = undefined;
    this.downstream.onNext(value);
    if (!this.cancelled) this.downstream.onComplete(); // §1.8 cancelled inside that onNext: nothing more
  }
}
