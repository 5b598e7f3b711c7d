import { Flow } from '../Flow';
import { requirePositiveBound } from '../internal/demand';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import { MulticastHub } from '../internal/MulticastHub';
import type { Processor } from '../spec/Processor';
import type { Subscription } from '../spec/Subscription';

export interface UnicastProcessorOptions {
  /** The most items buffered for the subscriber (requested upstream ahead of it). Default 256. */
  capacity?: number;
  /** The stage name in snapshots and errors. Default 'UnicastProcessor'. */
  name?: string;
}

/**
 * A Processor with a bounded buffer and exactly one subscriber (Reactor's UnicastProcessor /
 * `Sinks.many().unicast()`): items arriving before the subscriber does, or before it requests, wait in the buffer.
 *
 * ```
 * upstream:    a b c |
 * subscribe:          ^ request 2 → a b   request 1 → c |
 * 2nd subscriber:         ^ onSubscribe, onError(§1.11)
 * ```
 *
 * **Demand**: on `onSubscribe` the processor requests `capacity` (default 256) upstream, before the subscriber
 * exists, and replenishes in 75% steps as the subscriber consumes, so the buffer never exceeds `capacity`. There is
 * no overflow strategy: a compliant upstream cannot overfill it (to push application values with an overflow
 * strategy, use `createSink` or `create`). **Errors**: the upstream's error or completion reaches the subscriber
 * after the items buffered before it. One subscriber only (§1.11 lets a publisher choose): a second one, even after
 * the first left, receives `onSubscribe` then `onError`. Subscriber-side rules are checked: a second `onSubscribe`
 * is cancelled (§2.5), `null` arguments throw TypeError (§2.13), `onNext` beyond the demand signalled upstream (or
 * before `onSubscribe`) cancels the upstream and fails the subscriber with a §1.1 (§1.9) error.
 * **Cancellation**: the subscriber cancelling cancels the upstream, discards the buffer and releases the subscriber
 * (§3.13). `inspect()` reports the buffer depth, upstream demand and the subscriber's demand.
 *
 * @example
 * const processor = new UnicastProcessor<Job>({ capacity: 100 });
 * jobs.subscribe(processor); // buffers up to 100 until someone subscribes
 * processor.pipe(mergeMap(run, { concurrency: 4 })).subscribe(worker); // a processor is a Flow
 */
export class UnicastProcessor<T> extends Flow<T> implements Processor<T, T>, Inspectable {
  private readonly hub: MulticastHub<T>;

  constructor(options: UnicastProcessorOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('UnicastProcessor: options must be an object');
    const stage = options.name ?? 'UnicastProcessor';
    if (typeof stage !== 'string') throw new TypeError(`UnicastProcessor: name must be a string, got ${typeof stage}`);
    const prefetch = requirePositiveBound(`${stage}: capacity`, options.capacity ?? 256);
    const hub = new MulticastHub<T>({ stage, prefetch, errorMode: 'after-buffer', single: true });
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

  inspect(): StageSnapshot {
    return this.hub.inspect();
  }
}
