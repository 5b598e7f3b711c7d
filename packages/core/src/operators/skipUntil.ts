import type { Flow, Operator } from '../Flow';
import { nullArgumentError } from '../internal/errors';
import { ForwardingSubscriber, type EarlyEnd } from '../internal/ForwardingSubscriber';
import { lift, toFlow } from '../internal/lift';
import { reportError } from '../internal/report';
import { SideSubscriber, type SideOwner } from '../internal/SideSubscriber';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

/**
 * Drops the source's items until `notifier` emits its first item, then emits every later item.
 *
 * ```
 * source:    1 2 3 4 5 |
 * notifier:      x
 * skipUntil:       3 4 5 |
 * ```
 *
 * **Demand**: pass-through, plus one replacement `request(1)` upstream for each dropped item; the notifier is asked
 * for one item and cancelled once it emitted. A notifier that completes without an item means every item is
 * dropped (the source is still drained to its end, so the result completes empty). **Errors**: a notifier error
 * cancels the source and is signalled downstream. **Cancellation**: cancels the source and the notifier.
 *
 * @example
 * ticks.pipe(skipUntil(warmedUp)); // nothing before the first warmedUp item
 */
export function skipUntil<T>(notifier: Publisher<unknown>): Operator<T, T> {
  const flow = toFlow(notifier); // throws TypeError for a non-Publisher, at assembly
  return (source: Publisher<T>): Flow<T> => lift(source, (downstream: Subscriber<T>) => new SkipUntilSubscriber(downstream, flow));
}

class SkipUntilSubscriber<T> extends ForwardingSubscriber<T> implements SideOwner {
  private notifier: Publisher<unknown> | null;
  private gate: SideSubscriber | null = null;
  /** Set once the notifier emitted. */
  private open = false;
  private arming = false;
  private armingError: Error | null = null;

  constructor(downstream: Subscriber<T>, notifier: Publisher<unknown>) {
    super(downstream);
    this.notifier = notifier;
  }

  /** Subscribes to the notifier first, so a synchronous notifier has opened the gate before any item arrives. */
  protected override arm(): EarlyEnd | null {
    const notifier = this.notifier!;
    this.notifier = null;
    this.gate = new SideSubscriber(this, 0, 1);
    this.arming = true;
    notifier.subscribe(this.gate);
    this.arming = false;
    const failed = this.armingError;
    this.armingError = null;
    return failed === null ? null : { error: failed }; // the notifier failed before the downstream had its subscription
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return;
    if (!this.open) {
      this.upstream!.request(1); // replaces the dropped item
      return;
    }
    this.downstream.onNext(value);
  }

  override onError(error: Error): void {
    if (!this.done) this.releaseGate();
    super.onError(error);
  }

  override onComplete(): void {
    if (!this.done) this.releaseGate();
    super.onComplete();
  }

  override request(n: number): void {
    if (this.done) return; // §3.6
    this.upstream!.request(n);
  }

  override cancel(): void {
    if (this.done) return;
    this.done = true;
    this.releaseGate();
    this.upstream!.cancel();
  }

  /** @internal the notifier's first item opens the gate; the notifier is no longer needed. */
  sideNext(): void {
    this.open = true;
    this.releaseGate();
  }

  /** @internal the notifier failed. */
  sideError(_index: number, error: Error): void {
    this.gate = null;
    if (this.done) return reportError(error); // §1.7
    if (this.arming) {
      this.armingError = error;
      return;
    }
    this.failWith(error);
  }

  private releaseGate(): void {
    const gate = this.gate;
    this.gate = null;
    gate?.cancel();
  }
}
