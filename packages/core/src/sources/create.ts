import { Flow } from '../Flow';
import { addDemand, isValidRequest, requirePositiveBound } from '../internal/demand';
import { DrainSubscription } from '../internal/DrainSubscription';
import { CancellationError, toError, withCode } from '../internal/errors';
import { capacityFor, ExpiringBuffer, requireMaxAge, type DropListener } from '../internal/ExpiringBuffer';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import { requireOverflowStrategy, type OverflowStrategy } from '../internal/overflow';
import { reportDroppedError, reportError } from '../internal/report';
import { followThenable } from '../internal/thenable';
import type { Scheduler } from '../schedulers/Scheduler';
import type { Subscriber } from '../spec/Subscriber';
import { requireScheduler } from './interval';

/** What `offer` returns when the item went straight into the buffer: one settled promise, shared (it never changes). */
const ACCEPTED: Promise<void> = Promise.resolve();

/**
 * The producer's handle on one subscription of a `create` flow. All methods may be called at any time, from any
 * callback; after the stream ended they are harmless no-ops (`next` returns false, `offer` rejects). In particular an
 * `error(e)` (or a throwing/rejecting producer, or a throwing `onCancel` listener) after downstream cancelled or
 * the stream failed never throws and never crashes the process: `e` goes to the `onErrorDropped` hook (default: one
 * console warning). Only an `error(e)` after the producer's own `complete()`/`error()` is reported (`reportError`),
 * because that is a bug in the producer (§1.7).
 */
export interface CreateEmitter<T> {
  /**
   * Hands `item` to the stream. Returns true if it was accepted (delivered or buffered; also under 'drop-oldest'
   * and 'latest', which drop an older item instead), false if it was not: refused because the buffer is full
   * under 'block' or an `offer` is pending (the producer keeps the item), dropped under 'drop-newest', or the
   * stream is over. Under 'error' a full buffer fails the stream with `OverflowError`. `null`/`undefined` fails
   * the stream with a TypeError (§2.13).
   */
  next(item: T): boolean;
  /**
   * Hands `item` to the stream, waiting for room whatever the overflow strategy: resolves once the item is
   * buffered (or delivered), so a producer that awaits each offer never holds the stream above `capacity`.
   * One offer may be pending at a time (a second one rejects). If the stream is cancelled or fails while the offer
   * waits, or had already ended, the promise rejects with `CancellationError` (an async producer returning that
   * rejection is not reported as an error).
   */
  offer(item: T): Promise<void>;
  /**
   * How many `next` calls made now, in a row, are accepted without applying the overflow strategy:
   * `capacity − buffered + outstanding demand` (`Infinity` under unbounded demand), except while the stream is
   * delivering an item (a call from inside downstream's `onNext`), when it is `capacity − buffered`. 0 once the
   * stream is over or while an `offer` is pending.
   */
  readonly desiredSize: number;
  /**
   * Registers the demand listener (one per emitter): called with the demand already outstanding, if any, then
   * with each `n` downstream requests. It runs outside downstream's `onNext`, and items it emits against that
   * demand are delivered at once, so `onRequest((n) => { for (let i = 0; i < n; i++) emitter.next(read()); })`
   * never overflows, whatever `n` and `capacity` are. `n` is `Infinity` once downstream asked for everything.
   */
  onRequest(listener: (n: number) => void): void;
  /**
   * Registers a listener called once when the stream stops wanting items for any reason other than the producer's
   * own `complete`/`error`: downstream cancelled, an invalid request (§3.9), or a failure (overflow under 'error', a
   * null item, a throwing producer or `onDrop`). Registered after that, it runs at once.
   */
  onCancel(listener: () => void): void;
  /** Completes the stream after the buffered items (and a pending offer) are delivered. */
  complete(): void;
  /** Fails the stream after the buffered items (and a pending offer) are delivered. */
  error(error: unknown): void;
  /** True once downstream cancelled or the stream failed: stop producing. */
  readonly isCancelled: boolean;
  /** A snapshot of this subscription's buffer, demand and counters. */
  inspect(): StageSnapshot;
}

export interface CreateOptions<T> {
  /** The most items buffered for a subscriber that has not requested them. Default 256 (1 under 'latest', which allows only 1). */
  capacity?: number;
  /** What `next` does when the buffer is full. Default 'error'. See docs/decisions/0002-overflow-strategies.md. */
  overflow?: OverflowStrategy;
  /**
   * Called with each item the stream discards and why: 'overflow' (a 'drop-newest', 'drop-oldest' or 'latest'
   * overflow) or 'expired' (it waited `maxAge` in the buffer).
   */
  onDrop?: DropListener<T>;
  /**
   * Age budget in ms, measured from the moment an item entered the buffer (not from subscription): an item that
   * waited that long is dropped with `onDrop(item, 'expired')`, on a timer, and never delivered late.
   */
  maxAge?: number;
  /** The clock of `maxAge`. Default `timerScheduler`; tests pass a `VirtualTimeScheduler`. */
  scheduler?: Scheduler;
  /** The stage name in snapshots and error messages. Default 'create'. */
  name?: string;
}

export type CreateProducer<T> = (emitter: CreateEmitter<T>) => void | PromiseLike<void>;

/**
 * A push source with a bounded buffer: `producer` is called once per subscriber with a `CreateEmitter`, and
 * pushes items with `next` (synchronous, overflow strategy applies) or `offer` (suspends while the buffer is full).
 *
 * ```
 * producer:    next(a) next(b) next(c) complete()
 * request:   ...........1.........2..........
 * downstream:           a         b c |        (a, b, c wait in the buffer, at most `capacity` of them)
 * ```
 *
 * **Demand**: items are delivered only against downstream demand; the rest wait in a buffer of `capacity` (default
 * 256). When it is full, `overflow` decides: 'error' (default: fail with OverflowError naming the capacity),
 * 'block' (`next` returns false), 'drop-newest', 'drop-oldest', 'latest' (each counted and passed to `onDrop`;
 * 'latest' keeps only the newest waiting item, so it takes capacity 1). With `maxAge`, buffered items older than
 * that are dropped as 'expired' (counted in `dropped` and `expired`).
 * `emitter.onRequest` and `emitter.desiredSize` let a producer follow demand exactly. **Errors**: `error(e)`,
 * a producer that throws or returns a rejecting promise, `null` items, an overflow under 'error' and a throwing
 * `onDrop` all signal onError, always after the items buffered before it; all but `error(e)` also cancel the
 * producer (`onCancel` runs at once). **Cancellation**: runs the `onCancel` listeners, rejects a pending offer
 * with CancellationError, discards the buffer and releases the subscriber and the producer's listeners (§3.13).
 * The subscription (and `emitter.inspect()`) implement `Inspectable`.
 *
 * @example
 * const clicks = create<MouseEvent>((emitter) => {
 *   const listener = (event: MouseEvent) => emitter.next(event);
 *   button.addEventListener('click', listener);
 *   emitter.onCancel(() => button.removeEventListener('click', listener));
 * }, { capacity: 100, overflow: 'drop-oldest' });
 */
export function create<T>(producer: CreateProducer<T>, options: CreateOptions<T> = {}): Flow<T> {
  if (typeof producer !== 'function') throw new TypeError(`create: producer must be a function, got ${typeof producer}`);
  const stage = options.name ?? 'create';
  if (typeof stage !== 'string') throw new TypeError(`create: name must be a string, got ${typeof stage}`);
  const overflow = requireOverflowStrategy(stage, options.overflow ?? 'error');
  const capacity = requirePositiveBound(`${stage}: capacity`, capacityFor(stage, overflow, options.capacity, 256));
  const maxAge = requireMaxAge(stage, options.maxAge);
  const scheduler = requireScheduler(stage, options.scheduler);
  const onDrop = options.onDrop;
  if (onDrop !== undefined && typeof onDrop !== 'function') {
    throw new TypeError(`${stage}: onDrop must be a function, got ${typeof onDrop}`);
  }
  return new Flow<T>((subscriber) => {
    const subscription = new CreateSubscription<T>(subscriber, stage);
    const buffer = new ExpiringBuffer<T>(stage, capacity, overflow, onDrop, undefined, maxAge, scheduler, subscription.expireNow);
    subscription.buffer = buffer;
    subscriber.onSubscribe(subscription);
    subscription.start(producer);
  });
}

interface PendingOffer<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

class CreateSubscription<T> extends DrainSubscription<T> implements Inspectable {
  readonly stage: string;
  /** Set right after construction (the buffer's expiry timer calls back into this subscription). */
  buffer!: ExpiringBuffer<T>;
  private pendingOffer: PendingOffer<T> | null = null;
  private requestListener: ((n: number) => void) | null = null;
  private cancelListeners: (() => void)[] | null = null;
  /** Demand not yet reported to the request listener. */
  private unnotified = 0;
  /** True while the drain loop runs the request listener (outside onNext: items may be delivered at once). */
  private notifying = false;
  /** True while downstream.onNext runs (items pushed now can only be queued, §3.3). */
  private delivering = false;
  /** The producer may still push: false after its complete/error, a failure, or cancel. */
  producerOpen = true;
  producerCancelled = false;
  /** No more items will enter; the terminal signal follows the buffer. */
  private done = false;
  private error: Error | null = null;

  constructor(downstream: Subscriber<T>, stage: string) {
    super(downstream);
    this.stage = stage;
  }

  /** The expiry timer: drops what outlived `maxAge` even without demand (and ends a finished stream emptied so). */
  readonly expireNow = (): void => {
    if (this.cancelled || this.terminated) return;
    this.expireBuffered();
    this.drain();
  };

  start(producer: CreateProducer<T>): void {
    if (!this.producerOpen) return; // cancelled inside onSubscribe: nobody to produce for
    let result: void | PromiseLike<void>;
    try {
      result = producer(new Emitter(this));
    } catch (thrown) {
      this.failProducer(toError(thrown));
      return;
    }
    followThenable(result, ignore, (thrown: unknown) => this.producerRejected(thrown)); // guards a hostile thenable
  }

  override request(n: number): void {
    if (!this.cancelled && this.requestListener !== null && isValidRequest(n)) {
      this.unnotified = addDemand(this.unnotified, n);
    }
    super.request(n);
  }

  // ---- the emitter's operations ------------------------------------------------------------------------------

  /** The producer may push: not ended, and not cancelled (a cancel from inside onNext is seen at once). */
  get accepting(): boolean {
    return this.producerOpen && !this.cancelled;
  }

  get isCancelled(): boolean {
    return this.producerCancelled || (this.cancelled && !this.terminated);
  }

  next(item: T): boolean {
    if (!this.accepting) return false; // §1.7 nothing after the end, §3.6 nor after cancel
    if (item == null) {
      this.failProducer(nullItemError(this.stage, item)); // §2.13 null is never an element
      return false;
    }
    if (this.pendingOffer !== null) return false; // a waiting offer is first in line
    let accepted = true;
    try {
      switch (this.buffer.offer(item)) {
        case 'full':
          return false;
        case 'overflow':
          this.failProducer(this.buffer.overflowError());
          return false;
        case 'dropped':
          accepted = this.buffer.strategy !== 'drop-newest';
      }
    } catch (thrown) {
      this.failProducer(toError(thrown)); // onDrop threw
      return false;
    }
    this.receivedItems++;
    this.afterEnqueue();
    return accepted;
  }

  offer(item: T): Promise<void> {
    if (!this.accepting) {
      return Promise.reject(new CancellationError(this.stage, this.isCancelled ? 'cancelled' : 'terminated'));
    }
    if (item == null) {
      const error = nullItemError(this.stage, item); // §2.13
      this.failProducer(error);
      return Promise.reject(error);
    }
    if (this.pendingOffer !== null) {
      const message = `${this.stage}: offer() called while an earlier offer() is still pending; await each offer()`;
      return Promise.reject(withCode(new Error(message), 'ERR_SLUICE_MISUSE'));
    }
    if (this.buffer.push(item)) {
      this.receivedItems++;
      this.afterEnqueue();
      return ACCEPTED;
    }
    return new Promise<void>((resolve, reject) => {
      this.pendingOffer = { item, resolve, reject };
    });
  }

  get desiredSize(): number {
    if (!this.accepting || this.pendingOffer !== null) return 0;
    const room = this.buffer.capacity - this.buffer.size;
    return this.delivering ? room : addDemand(room, this.requested);
  }

  onRequest(listener: (n: number) => void): void {
    requireListener(this.stage, 'onRequest', listener);
    if (!this.producerOpen) return;
    if (this.requestListener !== null) throw withCode(new Error(`${this.stage}: onRequest may be registered once per emitter`), 'ERR_SLUICE_MISUSE');
    this.requestListener = listener;
    this.unnotified = this.requested;
    if (this.unnotified > 0) this.drain();
  }

  onCancel(listener: () => void): void {
    requireListener(this.stage, 'onCancel', listener);
    if (this.producerCancelled) {
      listener(); // already cancelled: run it at once
      return;
    }
    if (!this.producerOpen) return; // the producer ended the stream itself: it will never be cancelled
    (this.cancelListeners ??= []).push(listener);
  }

  producerComplete(): void {
    if (!this.producerOpen) return; // §1.7
    this.closeProducer(false);
    this.done = true;
    this.drain();
  }

  producerError(thrown: unknown): void {
    const error =
      thrown == null ? withCode(new TypeError(`${this.stage}: error(${String(thrown)}): an error is required`), 'ERR_SLUICE_NULL_SIGNAL') : toError(thrown);
    if (!this.producerOpen) {
      this.undeliverable(error); // §1.7 an error after the end is never delivered
      return;
    }
    this.closeProducer(false);
    this.done = true;
    this.error = error;
    this.drain();
  }

  inspect(): StageSnapshot {
    return {
      stage: this.stage,
      capacity: this.buffer.capacity,
      buffered: this.buffer.size,
      requested: this.requested,
      upstreamRequested: 0,
      received: this.receivedItems,
      emitted: this.emittedItems,
      dropped: this.buffer.dropped,
      ...(this.buffer.maxAge === Infinity ? {} : { expired: this.buffer.expired }),
      terminated: this.terminated,
      cancelled: this.cancelled && !this.terminated,
    };
  }

  // ---- the drain loop ----------------------------------------------------------------------------------------

  protected emitSome(downstream: Subscriber<T>): void {
    this.deliverBuffered(downstream);
    if (this.cancelled) return;
    const listener = this.requestListener;
    if (listener !== null && this.unnotified > 0) {
      const n = this.unnotified;
      this.unnotified = 0;
      this.notifying = true;
      try {
        listener(n);
      } catch (thrown) {
        this.failProducer(toError(thrown));
      } finally {
        this.notifying = false;
      }
      if (this.cancelled) return;
      this.deliverBuffered(downstream);
      if (this.cancelled) return;
    }
    if (this.done && this.buffer.size === 0 && this.pendingOffer === null) {
      if (this.error !== null) this.fail(this.error);
      else this.complete();
    }
  }

  protected override dispose(): void {
    this.buffer.release();
    this.closeProducer(true);
  }

  /** Drops expired items; a throwing `onDrop` fails the stream (after the rest of the buffer). */
  private expireBuffered(): void {
    try {
      this.buffer.expire();
    } catch (thrown) {
      const error = toError(thrown);
      if (this.producerOpen) this.failProducer(error);
      else if (this.error === null) this.error = error;
    }
  }

  private deliverBuffered(downstream: Subscriber<T>): void {
    const buffer = this.buffer;
    this.expireBuffered(); // never deliver an item past its age budget
    while (this.requested > 0 && buffer.size > 0 && !this.cancelled) {
      const item = buffer.poll() as T;
      const pending = this.pendingOffer;
      if (pending !== null) {
        this.pendingOffer = null; // room again: the waiting offer enters the buffer behind the others
        buffer.push(pending.item);
        this.receivedItems++;
        pending.resolve();
      }
      this.requested--; // Infinity - 1 stays unbounded
      this.emittedItems++;
      this.delivering = true;
      try {
        downstream.onNext(item);
      } finally {
        this.delivering = false;
      }
      if (this.cancelled) return;
    }
  }

  private afterEnqueue(): void {
    const downstream = this.downstream;
    if (this.notifying && !this.delivering && downstream !== null) {
      // Pushed from the request listener, which the drain loop runs outside onNext: deliver now (depth stays 1).
      try {
        this.deliverBuffered(downstream);
      } catch (thrown) {
        this.cancel(); // §2.13 downstream threw: the subscription is cancelled and the error reported
        reportError(thrown);
      }
    } else {
      this.drain();
    }
  }

  /** The stream fails because of the producer's side (null, overflow, throw, onDrop): stop it now, error later. */
  private failProducer(error: Error): void {
    if (!this.producerOpen) {
      this.undeliverable(error);
      return;
    }
    this.closeProducer(true);
    this.done = true;
    this.error = error;
    this.drain();
  }

  private producerRejected(thrown: unknown): void {
    if (this.producerOpen) this.failProducer(toError(thrown));
    else if (!(thrown instanceof CancellationError)) this.undeliverable(thrown);
  }

  /**
   * An error the stream can no longer signal. After cancellation nobody listens any more, so it is dropped to the
   * `onErrorDropped` hook (never thrown, never a crash); after the producer's own complete/error it is a producer
   * bug (§1.7), reported.
   */
  private undeliverable(error: unknown): void {
    if (this.isCancelled) reportDroppedError(error);
    else reportError(error);
  }

  /** Ends the producer's part; `cancelled` runs the onCancel listeners and rejects a waiting offer. */
  private closeProducer(cancelled: boolean): void {
    const wasOpen = this.producerOpen;
    this.producerOpen = false;
    this.requestListener = null; // §3.13 release the producer's callbacks
    const listeners = this.cancelListeners;
    this.cancelListeners = null;
    if (!cancelled) return;
    const pending = this.pendingOffer;
    this.pendingOffer = null;
    if (pending !== null) pending.reject(new CancellationError(this.stage, 'cancelled'));
    if (!wasOpen) return;
    this.producerCancelled = true;
    if (listeners !== null) {
      for (const listener of listeners) {
        try {
          listener();
        } catch (thrown) {
          reportDroppedError(thrown); // §3.15 cancellation never throws; nobody listens any more: dropped
        }
      }
    }
  }
}

function ignore(): void {}

function requireListener(stage: string, method: string, listener: unknown): void {
  if (typeof listener !== 'function') throw new TypeError(`${stage}: ${method} needs a function, got ${typeof listener}`);
}

function nullItemError(stage: string, item: unknown): TypeError {
  return withCode(new TypeError(`§2.13: ${stage}: next(${String(item)}): null and undefined are not elements`), 'ERR_SLUICE_NULL_SIGNAL');
}

/** The producer's view: only the emitter operations, never the downstream's request/cancel. */
class Emitter<T> implements CreateEmitter<T> {
  private readonly subscription: CreateSubscription<T>;
  constructor(subscription: CreateSubscription<T>) {
    this.subscription = subscription;
  }
  next(item: T): boolean {
    return this.subscription.next(item);
  }
  offer(item: T): Promise<void> {
    return this.subscription.offer(item);
  }
  get desiredSize(): number {
    return this.subscription.desiredSize;
  }
  onRequest(listener: (n: number) => void): void {
    this.subscription.onRequest(listener);
  }
  onCancel(listener: () => void): void {
    this.subscription.onCancel(listener);
  }
  complete(): void {
    this.subscription.producerComplete();
  }
  error(error: unknown): void {
    this.subscription.producerError(error);
  }
  get isCancelled(): boolean {
    return this.subscription.isCancelled;
  }
  inspect(): StageSnapshot {
    return this.subscription.inspect();
  }
}
