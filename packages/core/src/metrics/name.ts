import type { Flow, LiftFunction, Operator } from '../Flow';
import { addDemand, isValidRequest } from '../internal/demand';
import { nullArgumentError } from '../internal/errors';
import { isInspectable, type Inspectable, type StageSnapshot } from '../internal/inspect';
import { lift } from '../internal/lift';
import { reportError } from '../internal/report';
import { requireStageName, type MetricsRegistry, type StageHandle } from './MetricsRegistry';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';

export interface NameOptions {
  /** The registry each subscription of the stage registers with. Default: the one a later `metrics(registry)` gives. */
  registry?: MetricsRegistry;
}

/** @internal the marks `metrics()` reads on a name stage's lift function. */
export interface NameLifter<T> extends LiftFunction<T, T> {
  readonly stageName: string;
  readonly registry: MetricsRegistry | null;
}

/**
 * Names the stage before it for metrics: each subscription registers that stage's live snapshot in a
 * `MetricsRegistry` under `stage`, and leaves it when it completes, fails or is cancelled.
 *
 * ```
 * source:                 a b c |
 * name('events', {registry}): a b c |      (registry.stage('events') → the source's buffer, demand, counts)
 * ```
 *
 * A buffering stage before it (create, onBackpressureBuffer, limitRate, mergeMap, concatMap, observeOn, share…)
 * reports its own `inspect()` snapshot; any other stage is measured by the name stage itself (capacity 0, buffered
 * 0, the demand and items passing through). Without a registry (neither the option nor a later `metrics()`), the
 * stage is not even inserted: it costs nothing.
 *
 * **Demand**: passes requests upstream unchanged. **Errors**: passes errors through and counts them.
 * **Cancellation**: unregisters, then cancels upstream.
 *
 * @example
 * const registry = createMetricsRegistry();
 * create(producer, { capacity: 1024 }).pipe(name('events', { registry }), map(parse)).subscribe(sink);
 * registry.every(1000, (stages) => console.log(stages));
 */
export function name<T>(stage: string, options: NameOptions = {}): Operator<T, T> {
  requireStageName('name', stage);
  const registry = options.registry ?? null;
  if (registry !== null && typeof registry.attach !== 'function') {
    throw new TypeError('name: registry must come from createMetricsRegistry()');
  }
  return (source: Publisher<T>): Flow<T> => lift(source, nameLifter<T>(stage, registry, false));
}

/** @internal a lift function that inserts a NameSubscriber when a registry is known, and nothing otherwise. */
export function nameLifter<T>(stage: string, registry: MetricsRegistry | null, auto: boolean): NameLifter<T> {
  const lifter = (downstream: Subscriber<T>): Subscriber<T> =>
    registry === null ? downstream : new NameSubscriber<T>(downstream, stage, registry, auto);
  return Object.assign(lifter, { stageName: stage, registry });
}

/** @internal */
export function isNameLifter(lifter: unknown): lifter is NameLifter<unknown> {
  return typeof lifter === 'function' && typeof (lifter as NameLifter<unknown>).stageName === 'string';
}

/**
 * The pass-through that registers the stage before it. `auto` (from `metrics(registry, { all: true })`): the name
 * is `<operator>#<position>` and a stage that is not Inspectable is not registered.
 */
class NameSubscriber<T> implements Subscriber<T>, Subscription, Inspectable {
  private readonly downstream: Subscriber<T>;
  private upstream: Subscription | null = null;
  private readonly stage: string;
  private readonly registry: MetricsRegistry;
  private readonly auto: boolean;
  private handle: StageHandle | null = null;
  /** True when the stage before is not Inspectable and this subscriber measures the traffic itself. */
  private counting = false;
  private requested = 0;
  private emitted = 0;
  private done = false;
  private cancelled = false;

  constructor(downstream: Subscriber<T>, stage: string, registry: MetricsRegistry, auto: boolean) {
    this.downstream = downstream;
    this.stage = stage;
    this.registry = registry;
    this.auto = auto;
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.upstream !== null) {
      subscription.cancel(); // §2.5 a second subscription is cancelled
      return;
    }
    this.upstream = subscription;
    if (isInspectable(subscription)) {
      const stage = this.auto ? `${subscription.inspect().stage}#${this.stage}` : this.stage;
      this.handle = this.registry.attach(stage, subscription);
    } else if (!this.auto) {
      this.counting = true;
      this.handle = this.registry.attach(this.stage, this);
    }
    this.downstream.onSubscribe(this);
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.counting) {
      this.emitted++;
      this.requested--; // Infinity - 1 stays unbounded
    }
    this.downstream.onNext(value);
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.done) {
      reportError(error); // §1.7 nothing after a terminal signal; never swallowed
      return;
    }
    this.done = true;
    this.end('error');
    this.downstream.onError(error);
  }

  onComplete(): void {
    if (this.done) return; // §1.7
    this.done = true;
    this.end('complete');
    this.downstream.onComplete();
  }

  request(n: number): void {
    // An invalid n goes upstream unchanged: the stage before signals the §3.9 error, which passes through here.
    if (this.counting && isValidRequest(n)) this.requested = addDemand(this.requested, n);
    this.upstream!.request(n);
  }

  cancel(): void {
    if (!this.done) this.cancelled = true;
    this.end('cancel'); // measured before the stage before releases its buffer
    this.upstream!.cancel();
  }

  inspect(): StageSnapshot {
    const live = !this.done && !this.cancelled;
    return {
      stage: this.stage, capacity: 0, buffered: 0, requested: live ? this.requested : 0,
      upstreamRequested: live ? this.requested : 0, received: this.emitted, emitted: this.emitted, dropped: 0,
      terminated: this.done, cancelled: this.cancelled,
    };
  }

  private end(outcome: 'complete' | 'error' | 'cancel'): void {
    const handle = this.handle;
    if (handle === null) return;
    this.handle = null;
    handle.end(outcome);
  }
}
