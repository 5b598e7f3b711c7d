import { reportError } from '../internal/report';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import type { CancelTask, Scheduler } from '../schedulers/Scheduler';
import { timerScheduler } from '../schedulers/timerScheduler';

/**
 * The metrics of one named stage, summed over its live subscriptions (a Flow subscribed twice has two). Gauges
 * describe the moment of the call; counters only grow for the life of the registry.
 */
export interface StageMetrics {
  /** The name given to `name(...)`/`register(...)`, or `<operator>#<position>` for `metrics(registry, { all: true })`. */
  readonly stage: string;
  /** Live subscriptions of this stage (0 once they all ended; the counters are kept). */
  readonly subscriptions: number;
  /** Gauge: the sum of the live buffers' bounds (0 for a stage that does not buffer). */
  readonly capacity: number;
  /** Gauge: items held in the stage's buffers now, received but not yet emitted downstream. */
  readonly buffered: number;
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
  /** Counter: items an overflow strategy discarded (drop-newest, drop-oldest, latest). */
  readonly dropped: number;
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
  private retiredReceived = 0;
  private retiredEmitted = 0;
  private retiredDropped = 0;
  // Highest totals reported so far: a counter never goes down, even if a stage's snapshot shrinks when it ends.
  private maxReceived = 0;
  private maxEmitted = 0;
  private maxDropped = 0;
  private errors = 0;
  private completed = 0;
  private cancelled = 0;

  constructor(stage: string) {
    this.stage = stage;
  }

  retire(registration: Registration, outcome: StageOutcome): void {
    const inspectable = registration.inspectable!;
    this.live.delete(registration);
    if (outcome === 'error') this.errors++;
    else if (outcome === 'complete') this.completed++;
    else this.cancelled++;
    const source = sourceOf(inspectable);
    for (const other of this.live) {
      if (sourceOf(other.inspectable!) === source) return; // a multicast buffer another subscription still reports
    }
    const last = inspectable.inspect();
    this.retiredReceived += last.received;
    this.retiredEmitted += last.emitted;
    this.retiredDropped += last.dropped;
  }

  metrics(): StageMetrics {
    const seen = new Set<object>();
    const details: StageSnapshot[] = [];
    let capacity = 0, buffered = 0, requested = 0, upstreamRequested = 0;
    let received = this.retiredReceived, emitted = this.retiredEmitted, dropped = this.retiredDropped;
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
      dropped += snapshot.dropped;
    }
    this.maxReceived = Math.max(this.maxReceived, received);
    this.maxEmitted = Math.max(this.maxEmitted, emitted);
    this.maxDropped = Math.max(this.maxDropped, dropped);
    return {
      stage: this.stage, subscriptions: this.live.size, capacity, buffered, requested, upstreamRequested,
      received: this.maxReceived, emitted: this.maxEmitted, dropped: this.maxDropped,
      errors: this.errors, completed: this.completed, cancelled: this.cancelled, details,
    };
  }
}

/**
 * Collects the stages of running pipelines by name. Nothing is computed until `snapshot()` (or a sampler, or the
 * OpenTelemetry bridge) asks: a registered stage does no extra work per item. Create one per application or test
 * with `createMetricsRegistry()`; there is no global registry.
 *
 * Stage names are kept for the life of the registry (with their counters), so use a bounded set of names; a
 * subscription's own registration is dropped when it completes, fails or is cancelled.
 */
export class MetricsRegistry {
  private readonly groups = new Map<string, StageGroup>();

  /** @internal use `createMetricsRegistry()` */
  constructor() {}

  /**
   * Registers any `Inspectable` (a `SharedFlow` from `share()`, a `ConnectableFlow`, a `create` emitter) under
   * `stage`. Returns the function that unregisters it (counted as cancelled).
   */
  register(stage: string, inspectable: Inspectable): () => void {
    const handle = this.attach(stage, inspectable);
    return () => handle.end('cancel');
  }

  /** @internal the `name` operator's registration of one subscription. */
  attach(stage: string, inspectable: Inspectable): StageHandle {
    requireStageName('register', stage);
    if (inspectable == null || typeof inspectable.inspect !== 'function') {
      throw new TypeError(`register: expected an Inspectable (an object with inspect()), got ${String(inspectable)}`);
    }
    let group = this.groups.get(stage);
    if (group === undefined) {
      group = new StageGroup(stage);
      this.groups.set(stage, group);
    }
    const registration = new Registration(group, inspectable);
    group.live.add(registration);
    return registration;
  }

  /** Every stage seen so far, in the order each name was first registered, measured now. */
  snapshot(): StageMetrics[] {
    const result: StageMetrics[] = [];
    for (const group of this.groups.values()) result.push(group.metrics());
    return result;
  }

  /** One stage measured now, or `undefined` if no subscription was ever registered under that name. */
  stage(stage: string): StageMetrics | undefined {
    return this.groups.get(stage)?.metrics();
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
}

/**
 * Creates a registry that `name(stage, { registry })` and `metrics(registry)` attach running stages to.
 *
 * @example
 * const registry = createMetricsRegistry();
 * create(producer, { capacity: 1024 }).pipe(name('events', { registry }), map(parse)).subscribe(sink);
 * registry.stage('events'); // { stage: 'events', capacity: 1024, buffered: 17, requested: 64, ... }
 */
export function createMetricsRegistry(): MetricsRegistry {
  return new MetricsRegistry();
}

export function requireStageName(where: string, stage: unknown): string {
  if (typeof stage !== 'string' || stage.length === 0) {
    throw new TypeError(`${where}: the stage name must be a non-empty string, got ${String(stage)}`);
  }
  return stage;
}
