import { Flow } from '../Flow';
import { requirePositiveBound } from '../internal/demand';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import { MulticastHub } from '../internal/MulticastHub';
import type { Processor } from '../spec/Processor';
import type { Subscription } from '../spec/Subscription';

export interface MulticastProcessorOptions {
  /** Items requested upstream ahead of the slowest subscriber (the buffer bound). Default 256. */
  capacity?: number;
  /**
   * Cancel the upstream once the last subscriber cancelled (Reactor's autoCancel). Default true; later subscribers
   * then receive `onError(CancellationError)`. With false the processor stays subscribed and keeps buffering (up
   * to `capacity`) for the next subscriber.
   */
  autoCancel?: boolean;
  /** The stage name in snapshots and errors. Default 'MulticastProcessor'. */
  name?: string;
}

/**
 * A Processor that relays one upstream to many subscribers through one bounded buffer, paced by the slowest
 * subscriber (Reactor's EmitterProcessor / `Sinks.many().multicast()` semantics, on the publish engine).
 *
 * ```
 * upstream:      a b c d |
 * subscriber 1:  request 4 → a b c d |
 * subscriber 2:  request 2 → a b        request 2 → c d |
 * upstream asks: capacity ahead of subscriber 2, replenished in 75% steps
 * ```
 *
 * **Demand**: on `onSubscribe` the processor requests `capacity` (default 256) upstream, before any subscriber
 * arrives, and replenishes in 75% steps, keeping at most `capacity` items ahead of the slowest subscriber. Each
 * subscriber receives buffered items at its own demand; an item leaves the buffer once every current subscriber
 * received it. Items arriving before the first subscriber wait for it; a subscriber joining while others are
 * active starts at the oldest item none of them has received yet.
 * **Errors**: an upstream error reaches every current subscriber at once (later ones receive it on subscribe);
 * completion reaches each after its buffered items. Subscriber-side rules are checked: a second `onSubscribe` is
 * cancelled (§2.5), `null` arguments throw TypeError (§2.13), `onNext` beyond the demand the processor signalled
 * upstream (or before `onSubscribe`) cancels the upstream and fails the subscribers with a §1.1 (§1.9) error.
 * **Cancellation**: a subscriber cancelling releases its hold and its reference (§3.13); the last one out cancels
 * the upstream unless `autoCancel: false`. `inspect()` reports the buffer, upstream demand and every subscriber's
 * demand and lag.
 *
 * @example
 * const processor = new MulticastProcessor<number>({ capacity: 64 });
 * processor.subscribe(a);
 * processor.subscribe(b);
 * range(0, 1000).subscribe(processor);
 */
export class MulticastProcessor<T> extends Flow<T> implements Processor<T, T>, Inspectable {
  private readonly hub: MulticastHub<T>;

  constructor(options: MulticastProcessorOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('MulticastProcessor: options must be an object');
    const stage = options.name ?? 'MulticastProcessor';
    if (typeof stage !== 'string') throw new TypeError(`MulticastProcessor: name must be a string, got ${typeof stage}`);
    const autoCancel = options.autoCancel ?? true;
    if (typeof autoCancel !== 'boolean') throw new TypeError(`${stage}: autoCancel must be a boolean, got ${typeof autoCancel}`);
    const prefetch = requirePositiveBound(`${stage}: capacity`, options.capacity ?? 256);
    const hub = new MulticastHub<T>({ stage, prefetch, errorMode: 'eager', cancelWhenIdle: autoCancel });
    super((subscriber) => hub.subscribe(subscriber));
    this.hub = hub;
  }

  onSubscribe(subscription: Subscription): void {
    this.hub.onSubscribe(subscription);
  }

  onNext(value: T): void {
    this.hub.onNext(value);
  }

  onError(error: Error): void {
    this.hub.onError(error);
  }

  onComplete(): void {
    this.hub.onComplete();
  }

  /** The number of subscribers currently attached. */
  get subscriberCount(): number {
    return this.hub.subscriberCount;
  }

  inspect(): StageSnapshot {
    return this.hub.inspect();
  }
}
