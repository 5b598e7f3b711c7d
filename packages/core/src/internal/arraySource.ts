import { Flow } from '../Flow';
import type { Subscriber } from '../spec/Subscriber';
import { DrainSubscription } from './DrainSubscription';

/**
 * A demand-respecting source over a fixed array, used by the static combinators (`merge`, `concat`) to feed their
 * publishers into a shared engine as an ordinary upstream. Internal: the public `from` lives in sources/.
 */
export function arraySource<T>(items: readonly T[]): Flow<T> {
  return new Flow<T>((subscriber) => {
    const subscription = new ArraySubscription(subscriber, items);
    subscriber.onSubscribe(subscription);
    if (items.length === 0) subscription.completeIfEmpty();
  });
}

class ArraySubscription<T> extends DrainSubscription<T> {
  private items: readonly T[];
  private index = 0;

  constructor(downstream: Subscriber<T>, items: readonly T[]) {
    super(downstream);
    this.items = items;
  }

  completeIfEmpty(): void {
    this.drain();
  }

  protected emitSome(downstream: Subscriber<T>): void {
    const items = this.items;
    while (this.index < items.length && this.requested > 0) {
      this.requested--;
      downstream.onNext(items[this.index++]!);
      if (this.cancelled) return;
    }
    if (this.index === items.length) this.complete();
  }

  protected override dispose(): void {
    this.items = []; // §3.13 drop the caller's publishers
  }
}
