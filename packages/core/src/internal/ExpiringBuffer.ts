import type { Scheduler } from '../schedulers/Scheduler';
import { OverflowBuffer, type OfferResult, type OverflowStrategy } from './overflow';
import { RingBuffer } from './RingBuffer';
import { TaskSlot } from './scheduling';

/**
 * Why an item left a buffer without being delivered: it arrived at (or was pushed out of) a full buffer, it outlived
 * its age budget, the stream failed while it waited, or its producer withdrew it (an aborted `AbortSignal`).
 */
export type DropReason = 'overflow' | 'expired' | 'error' | 'aborted';

/** `onDrop` as the age-aware stages call it: with the item and why it was dropped. */
export type DropListener<T> = (item: T, reason: DropReason) => void;

/**
 * Validates `maxAge` (ms, from enqueue) and the 'latest' capacity rule shared by create, onBackpressureBuffer and
 * fromEvent; returns the capacity to use ('latest' keeps one waiting item, so its default capacity is 1).
 */
export function requireMaxAge(stage: string, value: unknown): number {
  if (value === undefined) return Infinity;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new RangeError(`${stage}: maxAge must be a positive number of milliseconds, got ${String(value)}`);
  }
  return value;
}

/**
 * 'latest' keeps only the newest waiting item. With a larger buffer it used to keep the oldest `capacity − 1`
 * items plus the newest (capacity 3 kept 1, 2 and 10), which nobody guesses, so it requires capacity 1.
 */
export function capacityFor(stage: string, overflow: OverflowStrategy, capacity: number | undefined, fallback: number): number {
  if (overflow !== 'latest') return capacity ?? fallback;
  if (capacity !== undefined && capacity !== 1) {
    throw new RangeError(
      `${stage}: overflow 'latest' keeps only the newest waiting item, so capacity must be 1 (got ${String(capacity)}); ` +
        `use 'drop-oldest' to keep the newest ${String(capacity)}`,
    );
  }
  return 1;
}

/**
 * An OverflowBuffer whose items carry their enqueue time: an item that waited `maxAge` ms is dropped with
 * `onDrop(item, 'expired')` and counted in `expired`, never delivered late. One timer, at the oldest item's expiry,
 * calls `onExpiry` so the owning stage can drop it (and terminate, if intake is over) even while nobody requests.
 * Items leave in FIFO order, so the oldest one always expires first and one timer is enough. Without `maxAge` it
 * is the plain OverflowBuffer (no time ring, no timer); overflow drops are reported as `onDrop(item, 'overflow')`.
 */
export class ExpiringBuffer<T> {
  readonly maxAge: number;
  expired = 0;
  private readonly buffer: OverflowBuffer<T>;
  private readonly times: RingBuffer<number> | null;
  private readonly onDrop: DropListener<T> | undefined;
  private clock: Scheduler | null;
  private onExpiry: (() => void) | null;
  private readonly timer = new TaskSlot();

  constructor(
    stage: string, capacity: number, strategy: OverflowStrategy, onDrop: DropListener<T> | undefined,
    accepted: readonly OverflowStrategy[] | undefined, maxAge: number, clock: Scheduler, onExpiry: () => void,
  ) {
    this.maxAge = maxAge;
    this.onDrop = onDrop;
    const overflowDrop = onDrop === undefined ? undefined : (item: T) => onDrop(item, 'overflow');
    this.buffer = new OverflowBuffer<T>(stage, capacity, strategy, overflowDrop, accepted);
    this.times = maxAge === Infinity ? null : new RingBuffer<number>(capacity);
    this.clock = maxAge === Infinity ? null : clock;
    this.onExpiry = maxAge === Infinity ? null : onExpiry;
  }

  get size(): number {
    return this.buffer.size;
  }

  get capacity(): number {
    return this.buffer.capacity;
  }

  get strategy(): OverflowStrategy {
    return this.buffer.strategy;
  }

  /** Items lost to overflow (the strategy) plus items that expired. */
  get dropped(): number {
    return this.buffer.dropped + this.expired;
  }

  /** OverflowBuffer.offer, after dropping what expired (expired items never hold a slot an arriving item needs). */
  offer(item: T): OfferResult {
    const times = this.times;
    if (times === null) return this.buffer.offer(item);
    const now = this.clock!.now();
    this.expire(now);
    if (!this.buffer.queue.isFull) {
      const result = this.buffer.offer(item);
      times.offer(now);
      this.arm();
      return result;
    }
    try {
      return this.buffer.offer(item);
    } finally {
      // the strategy changed the queue before onDrop ran (which may throw): keep the times in step
      if (this.buffer.strategy === 'drop-oldest') {
        times.poll();
        times.offer(now);
      } else if (this.buffer.strategy === 'latest') {
        times.replaceLast(now);
      }
    }
  }

  /** Buffers `item` if there is room, whatever the strategy (create's waiting `offer`); false when full. */
  push(item: T): boolean {
    if (!this.buffer.queue.offer(item)) return false;
    if (this.times !== null) {
      this.times.offer(this.clock!.now());
      this.arm();
    }
    return true;
  }

  poll(): T | undefined {
    this.times?.poll();
    return this.buffer.poll();
  }

  /**
   * Drops every item whose budget is used up (`now >= enqueuedAt + maxAge`), oldest first, with
   * `onDrop(item, 'expired')`; returns how many. A throwing `onDrop` propagates (the item is already removed).
   */
  expire(now: number = this.clock?.now() ?? 0): number {
    const times = this.times;
    if (times === null) return 0;
    let count = 0;
    for (let at = times.peek(); at !== undefined && at + this.maxAge <= now; at = times.peek()) {
      times.poll();
      const item = this.buffer.poll() as T;
      this.expired++;
      count++;
      this.onDrop?.(item, 'expired');
    }
    return count;
  }

  /** Schedules the expiry timer for the oldest item, unless one is pending (it is never later than needed). */
  arm(): void {
    const oldest = this.times?.peek();
    if (oldest === undefined || this.timer.pending || this.clock === null) return;
    this.timer.schedule(this.clock, this.fire, Math.max(0, oldest + this.maxAge - this.clock.now()));
  }

  overflowError(): Error {
    return this.buffer.overflowError();
  }

  discard(item: T): void {
    this.buffer.discard(item);
  }

  clear(): void {
    this.buffer.clear();
    this.times?.clear();
    this.timer.cancel();
  }

  /** Ends the buffer for good: clears it and drops the clock and the stage callback (§3.13). */
  release(): void {
    this.clear();
    this.clock = null;
    this.onExpiry = null;
  }

  private readonly fire = (): void => {
    this.timer.ran();
    this.onExpiry?.();
    this.arm();
  };
}
