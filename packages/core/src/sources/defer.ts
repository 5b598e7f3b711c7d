import { Flow } from '../Flow';
import { describeValue } from '../internal/demand';
import { toError } from '../internal/errors';
import { toFlow } from '../internal/lift';
import { TerminalSubscription } from '../internal/TerminalSubscription';
import type { Publisher } from '../spec/Publisher';

/**
 * Calls `factory` once per subscriber and subscribes it to the Publisher it returns: a lazy, per-subscriber source.
 *
 * ```
 * defer(() => of(Date.now())): each subscriber sees the time it subscribed
 * ```
 *
 * **Demand**: that of the Publisher returned (a foreign one is wrapped in the strict boundary adapter).
 * **Errors**: if `factory` throws, or returns anything that is not a Publisher, the subscriber gets `onSubscribe`
 * and then `onError` (a `TypeError` naming what was returned); `subscribe` itself never throws (§1.9).
 * **Cancellation**: that of the Publisher returned.
 *
 * @example
 * const fresh = defer(() => from(fetch(url))); // one request per subscriber, made at subscribe time
 */
export function defer<T>(factory: () => Publisher<T>): Flow<T> {
  if (typeof factory !== 'function') throw new TypeError(`defer: factory must be a function, got ${typeof factory}`);
  return new Flow<T>((subscriber) => {
    let flow: Flow<T>;
    try {
      const made = factory();
      if (made == null || typeof (made as Publisher<T>).subscribe !== 'function') {
        throw new TypeError(`defer: the factory returned ${describe(made)}, not a Publisher`);
      }
      flow = toFlow(made);
    } catch (error) {
      return TerminalSubscription.terminate(subscriber, toError(error)); // §1.9 onSubscribe, then onError
    }
    flow.subscribe(subscriber);
  });
}

function describe(value: unknown): string {
  if (typeof value === 'function') return `a function (${value.name || 'anonymous'})`;
  if (value === null || typeof value !== 'object') return describeValue(value);
  return `an object (${Object.getPrototypeOf(value)?.constructor?.name ?? 'null prototype'}) without subscribe`;
}
