import { Flow } from '../Flow';
import { BroadcastHub, type BroadcastSnapshot, type BroadcastTotals } from '../internal/BroadcastHub';
import type { DropReason, LaneSettings } from '../internal/BroadcastLane';
import { requirePositiveBound } from '../internal/demand';
import type { Inspectable } from '../internal/inspect';
import { toFlow } from '../internal/lift';
import { requireOverflowStrategy, type OverflowStrategy } from '../internal/overflow';
import { timerScheduler } from '../schedulers/timerScheduler';
import type { Scheduler } from '../schedulers/Scheduler';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

/** How one subscriber of a broadcast buffers: given once for all (`broadcast`) or per subscriber (`with`). */
export interface BroadcastSubscriberOptions<T> {
  /** Items buffered for this subscriber beyond its demand. Default 64 (1 for 'latest', which allows only 1). */
  capacity?: number;
  /**
   * What happens when this subscriber's buffer is full (required in `broadcast`, inherited by `with`):
   * 'drop-oldest' / 'drop-newest' / 'latest' (keep only the newest waiting item) lose this subscriber's items;
   * 'error' fails this subscriber with an OverflowError; 'block' paces the whole source by this subscriber.
   */
  overflow?: OverflowStrategy;
  /** Called with each item this subscriber loses, and why: 'overflow', 'expired' (past `maxAge`), 'error'. */
  onDrop?: (item: T, reason: DropReason) => void;
  /**
   * Called right before the first item (or the terminal signal) that follows lost items, with how many this
   * subscriber missed in that place: the cue to resync a client.
   */
  onGap?: (missed: number) => void;
  /** Age budget in ms measured from the moment an item entered this subscriber's buffer; older ones are dropped ('expired'). */
  maxAge?: number;
}

export interface BroadcastOptions<T> extends BroadcastSubscriberOptions<T> {
  /** Most items requested upstream and not yet received. Default 256. */
  prefetch?: number;
  /** The clock of `maxAge`. Default `timerScheduler`. */
  scheduler?: Scheduler;
  /** The stage name in snapshots and errors. Default 'broadcast'. */
  name?: string;
}

/**
 * Fans one source out to any number of subscribers, each with its own bounded buffer and overflow strategy, so a
 * slow subscriber loses its own items (or fails, by its choice) and never slows or starves the others.
 *
 * ```
 * source:        1 2 3 4 5 6 |
 * fast (req ∞):  1 2 3 4 5 6 |
 * slow (cap 2, drop-oldest, requests 1 at the end):
 *                           5 6 |   onGap(4) before 5; onDrop(1..4, 'overflow')
 * blocking (cap 2, 'block'):  the source is paced by it: at most its demand + 2 ahead
 * ```
 *
 * **Demand**: upstream demand follows the fastest subscriber that can take items without dropping (the largest
 * `demand + free buffer` among the non-'block' subscribers), is capped by the slowest 'block' subscriber and by
 * `prefetch`, and is asked in steps of 75%. A subscriber never receives more than it requested (§1.1); beyond its
 * demand it buffers at most `capacity` items, then applies its strategy. Items it has demand for that arrive in one
 * synchronous burst wait in the same ring for the loop to deliver them (at most `prefetch` more); a 'block'
 * subscriber joining while items are in flight may hold up to those (`prefetch`) beyond its capacity once.
 * **Age**: with `maxAge`, an item that waited that long in a subscriber's buffer is dropped ('expired'), never
 * delivered late. **Errors**: an upstream error reaches every subscriber at once (their buffered items are dropped
 * with reason 'error'); completion after each one's buffered items. A throwing `onDrop` or `onGap`, an invalid
 * `request(n)` (§3.9) or an 'error' overflow fails only that subscriber. **Cancellation**: a subscriber leaving
 * releases its buffer (§3.13); the last one out cancels the source, and the next subscriber (or one arriving after
 * the source ended) subscribes it again. Subscribers joining later start with the next item.
 * `inspect()` gives each subscriber's depth, demand, drops and gap, the deepest one, and total drops.
 *
 * @example
 * const ticks = broadcast(prices, { capacity: 128, overflow: 'drop-oldest', onGap: (n) => resync(n) });
 * ticks.subscribe(browserA);
 * ticks.with({ overflow: 'block', capacity: 1024 }).subscribe(auditLog); // paces the source: never loses an item
 */
export function broadcast<T>(source: Publisher<T>, options: BroadcastOptions<T>): BroadcastFlow<T> {
  if (options === null || typeof options !== 'object') throw new TypeError('broadcast: options must be an object');
  const name = options.name ?? 'broadcast';
  if (typeof name !== 'string') throw new TypeError(`broadcast: name must be a string, got ${typeof name}`);
  if (options.overflow === undefined) {
    throw new TypeError(
      "broadcast: overflow is required: 'drop-oldest', 'drop-newest', 'latest', 'error', or 'block' (pace the source by this subscriber)",
    );
  }
  const prefetch = requirePositiveBound(`${name}: prefetch`, options.prefetch ?? 256);
  const scheduler = options.scheduler ?? timerScheduler;
  if (typeof scheduler?.now !== 'function' || typeof scheduler.schedule !== 'function') {
    throw new TypeError(`${name}: scheduler must have now() and schedule()`);
  }
  const lane = laneSettings<T>(name, options, undefined);
  return new BroadcastFlow<T>(new BroadcastState<T>(toFlow(source), name, prefetch, scheduler), lane);
}

/** The Flow `broadcast` returns: subscribe with its default settings, or through `with(options)` with your own. */
export class BroadcastFlow<T> extends Flow<T> implements Inspectable {
  /** @internal */ readonly state: BroadcastState<T>;
  /** @internal */ readonly lane: LaneSettings<T>;

  /** @internal use `broadcast` */
  constructor(state: BroadcastState<T>, lane: LaneSettings<T>) {
    super((subscriber) => state.subscribe(subscriber, lane));
    this.state = state;
    this.lane = lane;
  }

  /** The same broadcast, for subscribers with their own buffer settings (unset ones are inherited). */
  with(options: BroadcastSubscriberOptions<T>): BroadcastFlow<T> {
    if (options === null || typeof options !== 'object') throw new TypeError(`${this.state.name}: options must be an object`);
    return new BroadcastFlow<T>(this.state, laneSettings<T>(this.state.name, options, this.lane));
  }

  /** Every current subscriber's buffer, the deepest one, and drops and expiries over the flow's whole life. */
  inspect(): BroadcastSnapshot {
    return this.state.latest().inspect();
  }
}

/** @internal the connection state shared by a BroadcastFlow and the flows `with` derives from it */
export class BroadcastState<T> {
  readonly name: string;
  private readonly source: Flow<T>;
  private readonly settings: { stage: string; prefetch: number; scheduler: Scheduler };
  private readonly totals: BroadcastTotals = { received: 0, emitted: 0, dropped: 0, expired: 0 };
  private hub: BroadcastHub<T> | null = null;
  private last: BroadcastHub<T> | null = null;

  constructor(source: Flow<T>, name: string, prefetch: number, scheduler: Scheduler) {
    this.name = name;
    this.source = source;
    this.settings = { stage: name, prefetch, scheduler };
  }

  subscribe(subscriber: Subscriber<T>, lane: LaneSettings<T>): void {
    let hub = this.hub;
    if (hub === null || hub.state === 'ended' || hub.terminated) {
      const fresh = new BroadcastHub<T>(this.settings, this.totals);
      fresh.onEnded = () => {
        if (this.hub === fresh) this.hub = null;
      };
      this.hub = this.last = hub = fresh;
    }
    hub.add(subscriber, lane, this.source);
  }

  latest(): BroadcastHub<T> {
    if (this.last === null) this.last = new BroadcastHub<T>(this.settings, this.totals);
    return this.last;
  }
}

function laneSettings<T>(name: string, options: BroadcastSubscriberOptions<T>, base: LaneSettings<T> | undefined): LaneSettings<T> {
  const overflow = options.overflow === undefined ? base!.overflow : requireOverflowStrategy(name, options.overflow);
  const fallbackCapacity = base !== undefined && options.overflow === undefined ? base.capacity : overflow === 'latest' ? 1 : 64;
  const capacity = requirePositiveBound(`${name}: capacity`, options.capacity ?? fallbackCapacity);
  if (overflow === 'latest' && capacity !== 1) {
    throw new RangeError(
      `${name}: overflow 'latest' keeps only the newest waiting item, so capacity must be 1 (got ${capacity}); ` +
        `use 'drop-oldest' to keep the newest ${capacity}`,
    );
  }
  const onDrop = options.onDrop ?? base?.onDrop;
  if (onDrop !== undefined && typeof onDrop !== 'function') throw new TypeError(`${name}: onDrop must be a function`);
  const onGap = options.onGap ?? base?.onGap;
  if (onGap !== undefined && typeof onGap !== 'function') throw new TypeError(`${name}: onGap must be a function`);
  const maxAge = options.maxAge ?? base?.maxAge ?? Infinity;
  if (typeof maxAge !== 'number' || Number.isNaN(maxAge) || maxAge <= 0) {
    throw new RangeError(`${name}: maxAge must be a positive number of milliseconds, got ${String(maxAge)}`);
  }
  return { capacity, overflow, onDrop, onGap, maxAge };
}
