import { Flow } from '../../src/Flow';
import { toFlow } from '../../src/internal/lift';
import type { Publisher } from '../../src/spec/Publisher';
import type { Subscriber } from '../../src/spec/Subscriber';
import type { Subscription } from '../../src/spec/Subscription';

/**
 * Wraps `source` so that every `request(n)` and `cancel` the stage under test sends upstream is written into
 * `log` as `up.request(n)` / `up.cancel`. Pass a TestSubscriber's `log` to read both directions as one story.
 * The result is a Flow (trusted), so it adds no boundary adapter of its own.
 */
export function spyUpstream<T>(source: Publisher<T>, log: string[]): Flow<T> {
  const flow = toFlow(source);
  return new Flow<T>((downstream: Subscriber<T>) => {
    flow.subscribe({
      onSubscribe(subscription: Subscription) {
        downstream.onSubscribe({
          request(n: number) {
            log.push(`up.request(${n})`);
            subscription.request(n);
          },
          cancel() {
            log.push('up.cancel');
            subscription.cancel();
          },
        });
      },
      onNext: (value: T) => downstream.onNext(value),
      onError: (error: Error) => downstream.onError(error),
      onComplete: () => downstream.onComplete(),
    });
  });
}
