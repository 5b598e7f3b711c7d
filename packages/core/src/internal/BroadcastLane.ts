import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { addDemand, isValidRequest } from './demand';
import { invalidRequestError, OverflowError, toError, withCode } from './errors';
import type { Inspectable, StageSnapshot } from './inspect';
import type { OverflowStrategy } from './overflow';
import { reportError } from './report';
import { RingBuffer } from './RingBuffer';

import type { DropReason } from './ExpiringBuffer';

export type { DropReason };

/** One subscriber's settings in a broadcast (validated by the factory). */
export interface LaneSettings<T> {
  readonly capacity: number;
  readonly overflow: OverflowStrategy;
  readonly onDrop: ((item: T, reason: DropReason) => void) | undefined;
  readonly onGap: ((missed: number) => void) | undefined;
  /** Age budget in ms from enqueue (Infinity: none). */
  readonly maxAge: number;
}

/** What a lane reports to: the hub's drain loop. */
export interface LaneParent {
  readonly stage: string;
  drain(): void;
}

/** One subscriber of a broadcast, as `inspect()` reports it. */
export interface BroadcastSubscriberSnapshot extends StageSnapshot {
  /** Items buffered for this subscriber (same as `buffered`). */
  readonly pending: number;
  readonly overflow: OverflowStrategy;
  /** Items this subscriber lost because they outlived `maxAge` (also counted in `dropped`). */
  readonly expired: number;
  /** Items dropped since this subscriber last received one: the gap it will be told about. */
  readonly missed: number;
}

/**
 * One subscriber of a broadcast: its own demand, its own bounded buffer and its own overflow strategy, so a slow
 * subscriber loses its own items and never holds back the others. Every signal to `downstream` is sent from the
 * hub's drain loop (§1.3); `push` only appends, so an item arriving while the loop runs is delivered in order.
 *
 * The ring holds `capacity` items beyond this subscriber's outstanding demand, plus up to `burst` (the hub's
 * prefetch) items it has demand for that arrived in one synchronous burst and wait for the loop. Gap accounting:
 * `headMissed` counts drops in front of the oldest buffered item (drop-oldest, expired), `tailMissed` drops behind
 * the newest (drop-newest), and `gaps` (only with `onGap`) how many were lost just before each buffered item.
 */
export class BroadcastLane<T> implements Subscription, Inspectable {
  downstream: Subscriber<T> | null;
  private parent: LaneParent | null;
  readonly settings: LaneSettings<T>;
  requested = 0;
  closed = false;
  cancelledBySubscriber = false;
  private readonly queue: RingBuffer<T>;
  private readonly times: RingBuffer<number> | null;
  private readonly gaps: RingBuffer<number> | null;
  private readonly burst: number;
  private invalidRequest: RangeError | null = null;
  private failure: Error | null = null;
  private headMissed = 0;
  private tailMissed = 0;
  received = 0;
  emitted = 0;
  dropped = 0;
  expired = 0;

  constructor(downstream: Subscriber<T>, parent: LaneParent, settings: LaneSettings<T>, burst: number) {
    this.downstream = downstream;
    this.parent = parent;
    this.settings = settings;
    this.burst = burst;
    this.queue = new RingBuffer<T>(settings.capacity + burst);
    this.times = settings.maxAge === Infinity ? null : new RingBuffer<number>(settings.capacity + burst);
    this.gaps = settings.onGap === undefined ? null : new RingBuffer<number>(settings.capacity + burst);
  }

  get blocks(): boolean {
    return this.settings.overflow === 'block';
  }

  get size(): number {
    return this.queue.size;
  }

  /** Items this subscriber can take now without a drop: demand plus free buffer. */
  get space(): number {
    return this.requested + this.settings.capacity - this.queue.size; // Infinity when unbounded
  }

  /** When the oldest buffered item expires (Infinity: never or empty). */
  get nextExpiry(): number {
    const at = this.times?.peek();
    return at === undefined ? Infinity : at + this.settings.maxAge;
  }

  request(n: number): void {
    if (this.closed) return; // §3.6 no-op after cancel
    if (isValidRequest(n)) this.requested = addDemand(this.requested, n); // §3.17 saturates at unbounded
    else if (this.invalidRequest === null) this.invalidRequest = invalidRequestError(n); // §3.9 signalled by the hub
    this.parent?.drain();
  }

  cancel(): void {
    if (this.closed) return; // §3.7 idempotent
    this.close(true);
    this.parent?.drain();
  }

  /** Takes one item from the upstream; applies the overflow strategy when the buffer is full. */
  push(item: T, now: number): void {
    if (this.closed || this.failure !== null) return;
    this.received++;
    const { capacity, overflow } = this.settings;
    const limit = overflow === 'block' ? capacity + this.burst : capacity + Math.min(this.requested, this.burst);
    if (this.queue.size < limit) return this.enqueue(item, now);
    switch (overflow) {
      case 'drop-newest':
        this.tailMissed++;
        return this.drop(item, 'overflow');
      case 'drop-oldest':
        this.dropOldest('overflow');
        return this.enqueue(item, now);
      case 'latest': {
        const replaced = this.queue.replaceLast(item) as T;
        this.times?.replaceLast(now);
        if (this.gaps !== null) {
          const before = this.gaps.replaceLast(0) ?? 0; // the replaced item's own gap passes to its replacement
          this.gaps.replaceLast(before + 1);
        }
        return this.drop(replaced, 'overflow');
      }
      case 'error':
        this.failure = new OverflowError(this.parent?.stage ?? 'broadcast', capacity, this.queue.size + 1);
        return this.drop(item, 'overflow');
      case 'block': // only an upstream breaking §1.1 gets a block lane past capacity + burst
        this.failure = withCode(new Error(`§1.1: ${this.parent?.stage ?? 'broadcast'} received more than its subscribers made room for`), 'ERR_SLUICE_OVER_DELIVERY');
        return this.drop(item, 'overflow');
    }
  }

  /** Drops expired items, then emits what demand allows; ends the lane once `done` and drained. */
  emit(now: number, done: boolean, error: Error | null): void {
    const downstream = this.downstream;
    if (downstream === null) return;
    try {
      if (this.invalidRequest !== null) return void this.close(true)?.onError(this.invalidRequest); // §3.9 cancel, then onError
      if (this.failure !== null || error !== null) return this.failWith(this.failure ?? error!);
      for (;;) {
        while (this.nextExpiry <= now) this.dropOldest('expired');
        if (this.requested === 0 || this.queue.isEmpty) break;
        const gap = this.headMissed + (this.gaps?.poll() ?? 0);
        this.headMissed = 0;
        if (gap > 0 && !this.notifyGap(gap)) return;
        const item = this.queue.poll() as T;
        this.times?.poll();
        this.requested--; // Infinity - 1 stays unbounded
        this.emitted++;
        downstream.onNext(item);
        if (this.closed) return;
        if (this.failure !== null) return this.failWith(this.failure);
      }
      if (done && this.queue.isEmpty) {
        const gap = this.headMissed + this.tailMissed;
        this.headMissed = this.tailMissed = 0;
        if (gap > 0 && !this.notifyGap(gap)) return;
        this.close(false)?.onComplete();
      }
    } catch (thrown) {
      // §2.13 the subscriber threw: this subscriber is cancelled and the throw reported; the others go on
      this.close(true);
      reportError(thrown);
    }
  }

  /** Ends the subscription and returns the subscriber, released from this object (§3.13). */
  close(bySubscriber: boolean): Subscriber<T> | null {
    const downstream = this.downstream;
    this.closed = true;
    this.cancelledBySubscriber = bySubscriber;
    this.downstream = null; // §3.13
    this.queue.clear();
    this.times?.clear();
    this.gaps?.clear();
    return downstream;
  }

  /** Drops the link to the hub once it removed this lane, so a kept Subscription holds nothing. */
  detach(): void {
    this.parent = null;
  }

  inspect(): BroadcastSubscriberSnapshot {
    return {
      stage: this.parent?.stage ?? 'broadcast',
      capacity: this.settings.capacity,
      buffered: this.queue.size,
      pending: this.queue.size,
      requested: this.requested,
      upstreamRequested: 0,
      received: this.received,
      emitted: this.emitted,
      dropped: this.dropped,
      terminated: this.closed && !this.cancelledBySubscriber,
      cancelled: this.closed && this.cancelledBySubscriber,
      overflow: this.settings.overflow,
      expired: this.expired,
      missed: this.headMissed + this.tailMissed + sumOf(this.gaps),
    };
  }

  /** Discards every buffered item (reason 'error') and signals `error` (the subscriber's own overflow or upstream's). */
  private failWith(error: Error): void {
    while (!this.queue.isEmpty) this.dropOldest('error');
    this.close(false)?.onError(error);
  }

  /** Tells the subscriber how many items it missed; false if `onGap` threw, which fails this subscriber only. */
  private notifyGap(gap: number): boolean {
    const onGap = this.settings.onGap;
    if (onGap === undefined) return true;
    try {
      onGap(gap);
      return true;
    } catch (thrown) {
      this.failWith(toError(thrown));
      return false;
    }
  }

  private enqueue(item: T, now: number): void {
    this.queue.offer(item);
    this.times?.offer(now);
    if (this.gaps !== null) {
      this.gaps.offer(this.tailMissed);
      this.tailMissed = 0;
    }
  }

  private dropOldest(reason: DropReason): void {
    const item = this.queue.poll() as T;
    this.times?.poll();
    this.headMissed += 1 + (this.gaps?.poll() ?? 0);
    if (reason === 'expired') this.expired++;
    this.drop(item, reason);
  }

  private drop(item: T, reason: DropReason): void {
    this.dropped++;
    const onDrop = this.settings.onDrop;
    if (onDrop === undefined) return;
    try {
      onDrop(item, reason);
    } catch (thrown) {
      if (this.failure === null) this.failure = toError(thrown); // a throwing onDrop fails this subscriber only
    }
  }
}

function sumOf(ring: RingBuffer<number> | null): number {
  let sum = 0;
  if (ring !== null) for (let i = 0; i < ring.size; i++) sum += ring.get(i)!;
  return sum;
}
