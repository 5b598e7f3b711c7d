import type { Flow, Operator } from '../Flow';
import { nullArgumentError } from '../internal/errors';
import type { EarlyEnd } from '../internal/ForwardingSubscriber';
import { lift, toFlow } from '../internal/lift';
import { SideInputStage } from '../internal/SideSubscriber';
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

class SkipUntilSubscriber<T> extends SideInputStage<T> {
  private notifier: Publisher<unknown> | null;
  /** Set once the notifier emitted. */
  private open = false;

  constructor(downstream: Subscriber<T>, notifier: Publisher<unknown>) {
    super(downstream);
    this.notifier = notifier;
  }

  /** Subscribes to the notifier first, so a synchronous notifier has opened the gate before any item arrives. */
  protected override arm(): EarlyEnd | null {
    const notifier = this.notifier!;
    this.notifier = null;
    return this.armSides([notifier], 1);
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

  /** @internal the notifier's first item opens the gate; the notifier is no longer needed. */
  sideNext(): void {
    this.open = true;
    this.releaseSides();
  }
}
