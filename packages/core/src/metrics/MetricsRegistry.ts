import { reportError } from '../internal/report';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import type { CancelTask, Scheduler } from '../schedulers/Scheduler';
import { timerScheduler } from '../schedulers/timerScheduler';
import { toPrometheus, type PrometheusOptions } from './prometheus';

/**
 * The metrics of one named stage, summed over its live subscriptions (a Flow subscribed twice has two). Gauges
 * describe the moment of the call; counters never go down while the stage is held by the registry.
 */
export interface StageMetrics {
  /**
   * The name given to `name(...)`/`register(...)`, or `<operator>#<position>` for `metrics(registry, { all: true })`,
   * or one of the two totals `ENDED_STAGE` / `OVERFLOW_STAGE` (see `MetricsRegistryOptions`).
   */
  readonly stage: string;
  /** The stages declared or seen to feed this one (flow order: they are upstream of it), in first-seen order. */
  readonly upstreams: readonly string[];
  /** Live subscriptions of this stage (0 once they all ended; the counters are kept while the stage is held). */
  readonly subscriptions: number;
  /** Gauge: the sum of the live buffers' bounds (0 for a stage that does not buffer). */
  readonly capacity: number;
  /** Gauge: items held in the stage's buffers now, received but not yet emitted downstream. */
  readonly buffered: number;
  /** Gauge: the deepest live subscription's `buffered` (a stage subscribed once: equal to `buffered`). */
  readonly deepest: number;
  /**
   * Gauge: the fullest live buffer's `buffered / capacity`, 0 to 1 (0 when no live subscription has a bounded
   * buffer). Each subscription's buffer has its own bound, so this, not `buffered / capacity`, says how close the
   * stage is to a full buffer: alert on it.
   */
  readonly fillRatio: number;
  /**
   * Gauge: demand downstream has signalled that the stage has not yet met (`Infinity` when unbounded; a multicast
   * reports its slowest subscriber's).
   */
  readonly requested: number;
  /** Gauge: demand the stage has signalled upstream that upstream has not yet met (0 for a source). */
  readonly upstreamRequested: number;
  /** Counter: items that entered the stage (for a source: items its producer handed in). */
  readonly received: number;
  /** Counter: items the stage delivered downstream (a multicast counts one delivery per subscriber). */
  readonly emitted: number;
  /** Counter: items the stage discarded, all reasons together (the sum of `droppedByReason`). */
  readonly dropped: number;
  /** Counter per reason (see `dropReason`): `overflow`, `throttled`, `busy` or `abandoned`. */
  readonly droppedByReason: Readonly<Record<string, number>>;
  /** Counter: subscriptions of this stage that ended with `onError`. */
  readonly errors: number;
  /** Counter: subscriptions of this stage that ended with `onComplete`. */
  readonly completed: number;
  /** Counter: subscriptions of this stage that were cancelled from downstream. */
  readonly cancelled: number;
  /** The raw snapshot of each live subscription (one per shared buffer for a multicast stage), renamed to `stage`. */
  readonly details: readonly StageSnapshot[];
}

/** How one registered subscription ended. */
export type StageOutcome = 'complete' | 'error' | 'cancel';

export interface SampleOptions {
  /** Where the samples are timed; tests pass a `VirtualTimeScheduler`. Default `timerScheduler` (setTimeout). */
  scheduler?: Scheduler;
}

/** What happens to a stage name once its last live subscription ended. */
export type EndedPolicy = 'retain' | 'fold' | 'drop';
/** What registering a new stage name does when the registry already holds `maxStages` live stages. */
export type OverflowPolicy = 'error' | 'fold';

export interface MetricsRegistryOptions {
  /**
   * The most stage names the registry holds at once (live or ended-and-retained); the two totals `ENDED_STAGE` and
   * `OVERFLOW_STAGE` come on top, so every metric has at most `maxStages + 2` series. Default 1000.
   */
  maxStages?: number;
  /**
   * A stage whose subscriptions all ended is
   * - `'retain'` (default): kept with its counters (a later subscription continues them), until room is needed: a new
   *   name at the bound first folds the stage that ended longest ago into `ENDED_STAGE`;
   * - `'fold'`: folded into `ENDED_STAGE` at once (per-client names: one per connection);
   * - `'drop'`: forgotten at once, counters and all.
   */
  ended?: EndedPolicy;
  /**
   * A new name when all `maxStages` held stages are live:
   * - `'error'` (default): `register` throws a `RangeError` and a `name` stage fails its subscription with it;
   * - `'fold'`: the subscription is measured under `OVERFLOW_STAGE`, one shared series.
   */
  overflow?: OverflowPolicy;
}

/** The stage that holds the folded counters of released stages (`ended: 'fold'`, or `'retain'` at the bound). */
export const ENDED_STAGE = '(ended)';
/** The stage that measures new subscriptions registered past the bound with `overflow: 'fold'`. */
export const OVERFLOW_STAGE = '(overflow)';

/** The registration of one live subscription; `end` is called once, with how it ended. */
export interface StageHandle {
  end(outcome: StageOutcome): void;
}

/** An Inspectable whose `inspect()` describes another object, shared with other subscriptions (a multicast hub). */
interface SharedInspectable extends Inspectable {
  inspectSource(): object;
}

function sourceOf(inspectable: Inspectable): object {
  const shared = inspectable as Partial<SharedInspectable>;
  return typeof shared.inspectSource === 'function' ? shared.inspectSource() : inspectable;
}

/**
 * Why a stage discards items, read from its snapshot's operator name: a rate limiter (`sample`, `throttle`) drops
 * what comes too soon, `exhaustMap` ignores items while an inner runs, `groupBy`/`window` discard what a group
 * nobody reads any more receives; every other stage (create, onBackpressure*) drops only on a full buffer.
 */
export function dropReason(operator: string): string {
  switch (operator) {
    case 'sample':
    case 'throttle':
      return 'throttled';
    case 'exhaustMap':
      return 'busy';
    case 'groupBy':
    case 'window':
      return 'abandoned';
    default:
      return 'overflow';
  }
}

const addTo = (into: Map<string, number>, reason: string, n: number): void => {
  into.set(reason, (into.get(reason) ?? 0) + n);
};

class Registration implements StageHandle {
  inspectable: Inspectable | null;
  private readonly group: StageGroup;

  constructor(group: StageGroup, inspectable: Inspectable) {
    this.group = group;
    this.inspectable = inspectable;
  }

  end(outcome: StageOutcome): void {
    if (this.inspectable === null) return;
    this.group.retire(this, outcome);
    this.inspectable = null; // §3.13 the registry keeps numbers, never the subscription
  }
}

/** All subscriptions of one stage name, plus the counters of the ones that already ended. */
class StageGroup {
  readonly stage: string;
  readonly live = new Set<Registration>();
  readonly upstreams = new Set<string>();
  private readonly registry: MetricsRegistry;
  private retiredReceived = 0;
  private retiredEmitted = 0;
  private readonly retiredDropped = new Map<string, number>();
  // Highest totals reported so far: a counter never goes down, even if a stage's snapshot shrinks when it ends.
  private maxReceived = 0;
  private maxEmitted = 0;
  private readonly maxDropped = new Map<string, number>();
  private errors = 0;
  private completed = 0;
  private cancelled = 0;

  constructor(registry: MetricsRegistry, stage: string) {
    this.registry = registry;
    this.stage = stage;
  }

  retire(registration: Registration, outcome: StageOutcome): void {
    const inspectable = registration.inspectable!;
    this.live.delete(registration);
    if (outcome === 'error') this.errors++;
    else if (outcome === 'complete') this.completed++;
    else this.cancelled++;
    const source = sourceOf(inspectable);
    let shared = false;
    for (const other of this.live) {
      if (sourceOf(other.inspectable!) === source) shared = true; // a multicast buffer another subscription reports
    }
    if (!shared) {
      const last = inspectable.inspect();
      this.retiredReceived += last.received;
      this.retiredEmitted += last.emitted;
      addTo(this.retiredDropped, dropReason(last.stage), last.dropped);
    }
    if (this.live.size === 0) this.registry.ended(this);
  }

  /** Adds the final counters of a released stage (the ENDED_STAGE total). */
  absorb(released: StageMetrics): void {
    this.retiredReceived += released.received;
    this.retiredEmitted += released.emitted;
    for (const [reason, n] of Object.entries(released.droppedByReason)) addTo(this.retiredDropped, reason, n);
    this.errors += released.errors;
    this.completed += released.completed;
    this.cancelled += released.cancelled;
  }

  metrics(): StageMetrics {
    const seen = new Set<object>();
    const details: StageSnapshot[] = [];
    let capacity = 0, buffered = 0, requested = 0, upstreamRequested = 0, deepest = 0, fillRatio = 0;
    let received = this.retiredReceived, emitted = this.retiredEmitted;
    const dropped = new Map(this.retiredDropped);
    for (const registration of this.live) {
      const inspectable = registration.inspectable!;
      const source = sourceOf(inspectable);
      if (seen.has(source)) continue; // subscribers of one multicast report the same shared buffer: count it once
      seen.add(source);
      const snapshot = inspectable.inspect();
      details.push({ ...snapshot, stage: this.stage });
      capacity += snapshot.capacity;
      buffered += snapshot.buffered;
      requested += snapshot.requested;
      upstreamRequested += snapshot.upstreamRequested;
      received += snapshot.received;
      emitted += snapshot.emitted;
      addTo(dropped, dropReason(snapshot.stage), snapshot.dropped);
      if (snapshot.buffered > deepest) deepest = snapshot.buffered;
      if (snapshot.capacity > 0 && Number.isFinite(snapshot.capacity)) {
        fillRatio = Math.max(fillRatio, Math.min(1, snapshot.buffered / snapshot.capacity));
      }
    }
    this.maxReceived = Math.max(this.maxReceived, received);
    this.maxEmitted = Math.max(this.maxEmitted, emitted);
    const droppedByReason: Record<string, number> = {};
    let droppedTotal = 0;
    for (const [reason, n] of dropped) {
      const max = Math.max(this.maxDropped.get(reason) ?? 0, n);
      this.maxDropped.set(reason, max);
    }
    for (const [reason, max] of this.maxDropped) {
      droppedByReason[reason] = max;
      droppedTotal += max;
    }
    if (this.maxDropped.size === 0) droppedByReason.overflow = 0;
    return {
      stage: this.stage, upstreams: [...this.upstreams], subscriptions: this.live.size, capacity, buffered, deepest,
      fillRatio, requested, upstreamRequested, received: this.maxReceived, emitted: this.maxEmitted,
      dropped: droppedTotal, droppedByReason, errors: this.errors, completed: this.completed,
      cancelled: this.cancelled, details,
    };
  }
}

/**
 * Collects the stages of running pipelines by name. Nothing is computed until `snapshot()` (or a sampler, the
 * Prometheus text, or the OpenTelemetry bridge) asks: a registered stage does no extra work per item. Create one
 * per application or test with `createMetricsRegistry()`; there is no global registry.
 *
 * Cardinality is bounded: at most `maxStages` names are held at once (default 1000), ended stages are retained,
 * folded or dropped by the `ended` policy, and a new name past the bound fails or is folded by the `overflow`
 * policy (see `MetricsRegistryOptions`). A subscription's own registration is released when it completes, fails or
 * is cancelled (§3.13).
 */
export class MetricsRegistry {
  /** The bound on held stage names (see `MetricsRegistryOptions.maxStages`). */
  readonly maxStages: number;
  readonly endedPolicy: EndedPolicy;
  readonly overflowPolicy: OverflowPolicy;
  private readonly groups = new Map<string, StageGroup>();
  /** Held stages with no live subscription, the one that ended longest ago first (eviction order for 'retain'). */
  private readonly idle = new Map<string, StageGroup>();
  private endedTotal: StageGroup | null = null;
  private overflowTotal: StageGroup | null = null;

  /** @internal use `createMetricsRegistry()` */
  constructor(options: MetricsRegistryOptions = {}) {
    const maxStages = options.maxStages ?? 1000;
    if (!Number.isSafeInteger(maxStages) || maxStages < 1) {
      throw new RangeError(`createMetricsRegistry: maxStages must be a positive integer, got ${String(maxStages)}`);
    }
    const ended = options.ended ?? 'retain';
    if (ended !== 'retain' && ended !== 'fold' && ended !== 'drop') {
      throw new TypeError(`createMetricsRegistry: ended must be 'retain', 'fold' or 'drop', got ${String(ended)}`);
    }
    const overflow = options.overflow ?? 'error';
    if (overflow !== 'error' && overflow !== 'fold') {
      throw new TypeError(`createMetricsRegistry: overflow must be 'error' or 'fold', got ${String(overflow)}`);
    }
    this.maxStages = maxStages;
    this.endedPolicy = ended;
    this.overflowPolicy = overflow;
  }

  /** Stage names held now (live or retained), not counting the two totals; never more than `maxStages`. */
  get size(): number {
    return this.groups.size;
  }

  /**
   * Registers any `Inspectable` (a `SharedFlow` from `share()`, a `ConnectableFlow`, a `create` emitter) under
   * `stage`; `upstreams` names the stages that feed it, for the flow order. Returns the function that unregisters
   * it (counted as cancelled). Throws a `RangeError` past the bound with `overflow: 'error'`.
   */
  register(stage: string, inspectable: Inspectable, upstreams: readonly string[] = []): () => void {
    const handle = this.attach(stage, inspectable, upstreams);
    return () => handle.end('cancel');
  }

  /** @internal the `name` operator's registration of one subscription. */
  attach(stage: string, inspectable: Inspectable, upstreams: readonly string[] = []): StageHandle {
    requireStageName('register', stage);
    if (inspectable == null || typeof inspectable.inspect !== 'function') {
      throw new TypeError(`register: expected an Inspectable (an object with inspect()), got ${String(inspectable)}`);
    }
    const group = this.groupFor(stage);
    if (group.stage !== OVERFLOW_STAGE) for (const upstream of upstreams) if (upstream !== stage) group.upstreams.add(upstream);
    this.idle.delete(stage);
    const registration = new Registration(group, inspectable);
    group.live.add(registration);
    return registration;
  }

  /** Every stage held, in the order each name was first registered, measured now; then the two totals if used. */
  snapshot(): StageMetrics[] {
    const result: StageMetrics[] = [];
    for (const group of this.groups.values()) result.push(group.metrics());
    if (this.overflowTotal !== null) result.push(this.overflowTotal.metrics());
    if (this.endedTotal !== null) result.push(this.endedTotal.metrics());
    return result;
  }

  /** One stage measured now, or `undefined` if it is not held (never registered, folded or dropped). */
  stage(stage: string): StageMetrics | undefined {
    if (stage === ENDED_STAGE) return this.endedTotal?.metrics();
    if (stage === OVERFLOW_STAGE) return this.overflowTotal?.metrics();
    return this.groups.get(stage)?.metrics();
  }

  /**
   * The Prometheus text exposition (format 0.0.4) of every stage: see `toPrometheus` in `./prometheus` for the
   * metric names. Serve it with the content type `PROMETHEUS_CONTENT_TYPE`.
   *
   * @example
   * http.createServer((req, res) => {
   *   res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(registry.toPrometheus());
   * }).listen(9464, '127.0.0.1');
   */
  toPrometheus(options: PrometheusOptions = {}): string {
    return toPrometheus(this.snapshot(), { ...options, held: this.size, maxStages: this.maxStages });
  }

  /**
   * Calls `callback(snapshot(), now)` every `periodMs` on the scheduler until the returned function is called. If
   * the callback throws, sampling stops and the error goes to `reportError`. On the default `timerScheduler` the
   * pending timer keeps Node's event loop alive, so call the returned function when the pipeline is done.
   *
   * @example
   * const stop = registry.every(250, (stages) => console.log(stages.map((s) => `${s.stage}=${s.buffered}`).join(' ')));
   */
  every(periodMs: number, callback: (stages: StageMetrics[], now: number) => void, options: SampleOptions = {}): CancelTask {
    if (typeof periodMs !== 'number' || !(periodMs > 0) || !Number.isFinite(periodMs)) {
      throw new RangeError(`every: periodMs must be a positive finite number, got ${String(periodMs)}`);
    }
    if (typeof callback !== 'function') throw new TypeError(`every: callback must be a function, got ${typeof callback}`);
    const scheduler = options.scheduler ?? timerScheduler;
    let stopped = false;
    let cancelNext: CancelTask = () => {};
    const tick = (): void => {
      if (stopped) return;
      try {
        callback(this.snapshot(), scheduler.now());
      } catch (error) {
        stopped = true;
        reportError(error);
        return;
      }
      if (!stopped) cancelNext = scheduler.schedule(tick, periodMs);
    };
    cancelNext = scheduler.schedule(tick, periodMs);
    return () => {
      stopped = true;
      cancelNext();
    };
  }

  /** @internal a group's last live subscription ended: apply the `ended` policy. */
  ended(group: StageGroup): void {
    if (group.stage === OVERFLOW_STAGE || this.groups.get(group.stage) !== group) return;
    if (this.endedPolicy === 'retain') {
      this.idle.set(group.stage, group);
      return;
    }
    this.release(group, this.endedPolicy === 'fold');
  }

  private groupFor(stage: string): StageGroup {
    const held = this.groups.get(stage);
    if (held !== undefined) return held;
    if (this.groups.size >= this.maxStages) {
      const oldest = this.idle.values().next();
      if (!oldest.done) {
        this.release(oldest.value, true); // 'retain' at the bound: the stage that ended longest ago makes room
      } else if (this.overflowPolicy === 'fold') {
        return (this.overflowTotal ??= new StageGroup(this, OVERFLOW_STAGE));
      } else {
        throw new RangeError(
          `register: cannot register stage '${stage}': the registry holds ${this.maxStages} live stages (maxStages). ` +
            `Give per-client stages one shared name, raise maxStages, or pass overflow: 'fold'`,
        );
      }
    }
    const group = new StageGroup(this, stage);
    this.groups.set(stage, group);
    return group;
  }

  private release(group: StageGroup, fold: boolean): void {
    if (fold) (this.endedTotal ??= new StageGroup(this, ENDED_STAGE)).absorb(group.metrics());
    this.groups.delete(group.stage);
    this.idle.delete(group.stage);
  }
}

/**
 * Creates a registry that `name(stage, { registry })` and `metrics(registry)` attach running stages to.
 *
 * @example
 * const registry = createMetricsRegistry({ maxStages: 200, ended: 'fold' });
 * create(producer, { capacity: 1024 }).pipe(name('events', { registry }), map(parse)).subscribe(sink);
 * registry.stage('events'); // { stage: 'events', capacity: 1024, buffered: 17, fillRatio: 0.0166, ... }
 */
export function createMetricsRegistry(options: MetricsRegistryOptions = {}): MetricsRegistry {
  return new MetricsRegistry(options);
}

export function requireStageName(where: string, stage: unknown): string {
  if (typeof stage !== 'string' || stage.length === 0) {
    throw new TypeError(`${where}: the stage name must be a non-empty string, got ${String(stage)}`);
  }
  if (stage === ENDED_STAGE || stage === OVERFLOW_STAGE) {
    throw new TypeError(`${where}: '${stage}' is reserved for the registry's totals; choose another stage name`);
  }
  return stage;
}
