import type { Flow } from '../Flow';
import type { CancelTask, Scheduler } from '../schedulers/Scheduler';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { replenishAt } from './demand';
import { nullArgumentError, overDeliveryError } from './errors';
import type { Inspectable, StageSnapshot } from './inspect';
import { BroadcastLane, type BroadcastSubscriberSnapshot, type LaneSettings } from './BroadcastLane';
import { reportDroppedError, reportError } from './report';

export interface BroadcastHubSettings {
  readonly stage: string;
  /** Most items requested upstream and not yet received. */
  readonly prefetch: number;
  /** The clock of age budgets (only read when a subscriber has `maxAge`). */
  readonly scheduler: Scheduler;
}

/** Totals that outlive one connection (a BroadcastFlow reconnects after its source ended or everyone left). */
export interface BroadcastTotals {
  received: number;
  emitted: number;
  dropped: number;
  expired: number;
}

/** The aggregate snapshot of a broadcast: every subscriber, the deepest one, and drops over the flow's life. */
export interface BroadcastSnapshot extends StageSnapshot {
  readonly subscribers: readonly BroadcastSubscriberSnapshot[];
  /** The subscriber with the most buffered items (its position in `subscribers`), or null with none. */
  readonly deepest: { readonly index: number; readonly pending: number; readonly capacity: number } | null;
  /** Items dropped because they outlived a subscriber's `maxAge` (also in `dropped`). */
  readonly expired: number;
}

/**
 * One connection of a broadcast: one upstream subscription fanned out to lanes (BroadcastLane), each with its own
 * bounded buffer and overflow strategy. Upstream demand follows the fastest subscriber that can take items without
 * dropping (the largest `demand + free buffer` among non-'block' lanes), capped by the slowest 'block' lane (which
 * thereby paces the source, by its explicit choice) and by `prefetch`. Every signal goes through one drain loop
 * (§1.3, §3.3). When the last subscriber leaves, the upstream is cancelled (refCount); the flow's next subscriber
 * starts a new connection.
 */
export class BroadcastHub<T> implements Subscriber<T>, Inspectable {
  readonly stage: string;
  private readonly prefetch: number;
  private readonly scheduler: Scheduler;
  private readonly totals: BroadcastTotals;
  private lanes: BroadcastLane<T>[] = [];
  private upstream: Subscription | null = null;
  private outstanding = 0;
  /** 'idle' before the first subscriber; 'ended' once the upstream terminated or was cancelled. */
  state: 'idle' | 'connected' | 'ended' = 'idle';
  private done = false;
  private error: Error | null = null;
  private cancelled = false;
  private laneLeft = false;
  private timed = false;
  private expiryAt = Infinity;
  private cancelExpiry: CancelTask | null = null;
  private wip = 0;
  /** Called once when this connection ended (the flow forgets it). */
  onEnded: (() => void) | null = null;

  constructor(settings: BroadcastHubSettings, totals: BroadcastTotals) {
    this.stage = settings.stage;
    this.prefetch = settings.prefetch;
    this.scheduler = settings.scheduler;
    this.totals = totals;
  }

  /** The upstream completed or failed: new subscribers belong to the next connection. */
  get terminated(): boolean {
    return this.done;
  }

  /** Adds a subscriber; the first one connects `source`. */
  add(subscriber: Subscriber<T>, settings: LaneSettings<T>, source: Flow<T>): void {
    const lane = new BroadcastLane<T>(subscriber, this, settings, this.prefetch);
    try {
      subscriber.onSubscribe(lane);
    } catch (error) {
      lane.close(true); // §2.13 a throwing onSubscribe counts as a cancel; the error is reported
      reportError(error);
    }
    if (lane.closed) return;
    if (settings.maxAge !== Infinity) this.timed = true;
    this.lanes.push(lane);
    if (this.state === 'idle') {
      this.state = 'connected';
      source.subscribe(this);
    } else {
      this.drain();
    }
  }

  // ---- Subscriber side ------------------------------------------------------------------------------------------

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.upstream !== null || this.done || this.cancelled) {
      subscription.cancel(); // §2.5 a second (or late) subscription is cancelled
      return;
    }
    this.upstream = subscription;
    this.drain();
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done || this.cancelled) return; // §2.8 in flight after cancel
    if (this.outstanding === 0) {
      this.cancelUpstream(); // §1.1 more than requested: contained, every subscriber is failed
      return this.terminate(overDeliveryError(this.stage, 0));
    }
    this.outstanding--;
    this.totals.received++;
    const now = this.timed ? this.scheduler.now() : 0;
    for (const lane of this.lanes) lane.push(value, now);
    this.drain();
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.cancelled) return reportDroppedError(error); // after cancel nobody listens: dropped, never thrown
    if (this.done) return reportError(error); // §1.7 never delivered twice, never swallowed
    this.upstream = null;
    this.terminate(error);
  }

  onComplete(): void {
    if (this.done || this.cancelled) return; // §1.7
    this.upstream = null;
    this.terminate(null);
  }

  private terminate(error: Error | null): void {
    this.done = true;
    this.error = error;
    this.drain();
  }

  private cancelUpstream(): void {
    const upstream = this.upstream;
    this.upstream = null;
    try {
      upstream?.cancel();
    } catch (error) {
      reportError(error); // §3.15 cancel must not throw; one that does is reported
    }
  }

  // ---- the drain loop -------------------------------------------------------------------------------------------

  drain(): void {
    if (this.wip++ !== 0) return;
    let missed = 1;
    for (;;) {
      this.drainOnce();
      missed = this.wip -= missed;
      if (missed === 0) return;
    }
  }

  private drainOnce(): void {
    const now = this.timed ? this.scheduler.now() : 0;
    let closed = false;
    for (const lane of this.lanes) {
      if (!lane.closed) lane.emit(now, this.done, this.error);
      if (lane.closed) closed = true;
    }
    if (closed) this.removeClosed();
    if (this.state !== 'connected') return;
    if (this.lanes.length === 0 && (this.done || this.laneLeft)) return this.end(); // refCount: the last one left
    this.requestMore();
    if (this.timed) this.scheduleExpiry();
  }

  private removeClosed(): void {
    const open: BroadcastLane<T>[] = [];
    for (const lane of this.lanes) {
      if (!lane.closed) {
        open.push(lane);
        continue;
      }
      if (lane.cancelledBySubscriber) this.laneLeft = true;
      this.totals.emitted += lane.emitted;
      this.totals.dropped += lane.dropped;
      this.totals.expired += lane.expired;
      lane.detach(); // §3.13 a subscriber that left holds nothing here and is held by nothing
    }
    this.lanes = open;
  }

  /** This connection is over: release the upstream and the timer; the flow's next subscriber reconnects. */
  private end(): void {
    this.state = 'ended';
    if (!this.done) {
      this.cancelled = true;
      this.cancelUpstream();
    }
    this.cancelExpiry?.();
    this.cancelExpiry = null;
    const onEnded = this.onEnded;
    this.onEnded = null;
    onEnded?.();
  }

  /**
   * Keeps `outstanding <= target`: the most the fastest non-'block' lane can take without dropping (demand + free
   * buffer), capped by the slowest 'block' lane and by `prefetch`; asks in steps of at least 75% of the target.
   */
  private requestMore(): void {
    const upstream = this.upstream;
    if (upstream === null || this.done) return;
    let fastest = -1;
    let slowestBlocking = Infinity;
    for (const lane of this.lanes) {
      const space = lane.space;
      if (lane.blocks) slowestBlocking = Math.min(slowestBlocking, space);
      else fastest = Math.max(fastest, space);
    }
    if (fastest < 0) fastest = this.lanes.length === 0 ? 0 : slowestBlocking;
    const target = Math.min(this.prefetch, fastest, slowestBlocking);
    const deficit = target - this.outstanding;
    if (deficit <= 0 || deficit < replenishAt(target)) return;
    this.outstanding += deficit;
    upstream.request(deficit);
  }

  /** One timer at the earliest expiry of any lane's oldest item; it runs the loop, which drops what expired. */
  private scheduleExpiry(): void {
    let earliest = Infinity;
    for (const lane of this.lanes) earliest = Math.min(earliest, lane.nextExpiry);
    if (earliest === this.expiryAt) return;
    this.cancelExpiry?.();
    this.cancelExpiry = null;
    this.expiryAt = earliest;
    if (earliest === Infinity) return;
    this.cancelExpiry = this.scheduler.schedule(() => {
      this.cancelExpiry = null;
      this.expiryAt = Infinity;
      this.drain();
    }, Math.max(0, earliest - this.scheduler.now()));
  }

  // ---- introspection --------------------------------------------------------------------------------------------

  inspect(): BroadcastSnapshot {
    const subscribers = this.lanes.filter((lane) => !lane.closed).map((lane) => lane.inspect());
    let deepest: BroadcastSnapshot['deepest'] = null;
    let buffered = 0;
    let dropped = this.totals.dropped;
    let expired = this.totals.expired;
    let emitted = this.totals.emitted;
    let requested = 0;
    let capacity = 0;
    subscribers.forEach((s, index) => {
      buffered += s.pending;
      capacity += s.capacity;
      requested = Math.max(requested, s.requested);
      if (deepest === null || s.pending > deepest.pending) deepest = { index, pending: s.pending, capacity: s.capacity };
    });
    for (const lane of this.lanes) {
      dropped += lane.dropped;
      expired += lane.expired;
      emitted += lane.emitted;
    }
    return {
      stage: this.stage,
      capacity,
      buffered,
      requested,
      upstreamRequested: this.outstanding,
      received: this.totals.received,
      emitted,
      dropped,
      terminated: this.done,
      cancelled: this.cancelled,
      subscribers,
      deepest,
      expired,
    };
  }
}
