import type { Flow, LiftFunction, Operator } from '../Flow';
import { addDemand, isValidRequest } from '../internal/demand';
import { nullArgumentError } from '../internal/errors';
import { isInspectable, type Inspectable, type StageSnapshot } from '../internal/inspect';
import { lift } from '../internal/lift';
import { reportLateError } from '../internal/report';
import { requireStageName, type MetricsRegistry, type StageHandle } from './MetricsRegistry';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';

export interface NameOptions {
  /** The registry each subscription of the stage registers with. Default: the one a later `metrics(registry)` gives. */
  registry?: MetricsRegistry;
  /**
   * The stages that feed this one where `metrics()` cannot see it: the named inputs of a `merge`/`zip`/`concat`
   * (fan-in), or the named source of a `share()` this chain subscribes to (fan-out). Stages named earlier in the
   * same chain are linked by `metrics()` without it.
   */
  after?: string | readonly string[];
}

/** @internal the marks `metrics()` reads on a name stage's lift function. */
export interface NameLifter<T> extends LiftFunction<T, T> {
  readonly stageName: string;
  readonly registry: MetricsRegistry | null;
  readonly after: readonly string[];
  /** The nearest registered stage before this one in the chain `metrics()` rebuilt, or null. */
  readonly previous: NameLifter<unknown> | null;
  /** The name this stage registered under last (for `all` stages it is known only once subscribed), or null. */
  resolvedName: string | null;
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
  const after = typeof options.after === 'string' ? [options.after] : [...(options.after ?? [])];
  for (const upstream of after) requireStageName('name: after', upstream);
  return (source: Publisher<T>): Flow<T> => lift(source, nameLifter<T>(stage, registry, false, after, null));
}

/** @internal a lift function that inserts a NameSubscriber when a registry is known, and nothing otherwise. */
export function nameLifter<T>(
  stage: string,
  registry: MetricsRegistry | null,
  auto: boolean,
  after: readonly string[] = [],
  previous: NameLifter<unknown> | null = null,
): NameLifter<T> {
  const lifter: NameLifter<T> = Object.assign(
    (downstream: Subscriber<T>): Subscriber<T> =>
      registry === null ? downstream : new NameSubscriber<T>(downstream, lifter as NameLifter<unknown>, registry, auto),
    { stageName: stage, registry, after, previous, resolvedName: null },
  );
  return lifter;
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
  private readonly lifter: NameLifter<unknown>;
  private readonly registry: MetricsRegistry;
  private readonly auto: boolean;
  private handle: StageHandle | null = null;
  /** True when the stage before is not Inspectable and this subscriber measures the traffic itself. */
  private counting = false;
  private requested = 0;
  private emitted = 0;
  private done = false;
  private cancelled = false;
  /** This stage cancelled its upstream itself (the registry refused it): a late error is then dropped (ADR 0012). */
  private cutUpstream = false;

  constructor(downstream: Subscriber<T>, lifter: NameLifter<unknown>, registry: MetricsRegistry, auto: boolean) {
    this.downstream = downstream;
    this.stage = lifter.stageName;
    this.lifter = lifter;
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
    const previous = this.lifter.previous?.resolvedName ?? null;
    const upstreams = previous === null ? this.lifter.after : [...this.lifter.after, previous];
    let stage: string | null = null;
    let failure: unknown = null;
    try {
      if (isInspectable(subscription)) {
        stage = this.auto ? `${subscription.inspect().stage}#${this.stage}` : this.stage;
        this.handle = this.registry.attach(stage, subscription, upstreams);
      } else if (!this.auto) {
        stage = this.stage;
        this.counting = true;
        this.handle = this.registry.attach(stage, this, upstreams);
      }
    } catch (error) {
      failure = error; // the registry is at its bound with overflow 'error': this subscription fails with that
    }
    // A stage that is not registered passes the link on, so the next named stage follows the one before it.
    this.lifter.resolvedName = failure === null && stage !== null ? stage : previous;
    if (failure !== null) {
      this.done = true;
      this.counting = false;
      this.cutUpstream = true;
      subscription.cancel();
      this.downstream.onSubscribe(this); // §1.9 onSubscribe before any other signal
      this.downstream.onError(failure as Error);
      return;
    }
    this.downstream.onSubscribe(this);
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return; // §2.8 a late item after this stage failed (or ended) goes nowhere
    if (this.counting) {
      this.emitted++;
      this.requested--; // Infinity - 1 stays unbounded
    }
    this.downstream.onNext(value);
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.done) {
      reportLateError(error, this.cutUpstream); // after our cancel dropped (ADR 0012), else §1.7 reported
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
