import type { Flow } from '../Flow';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { replenishAt } from './demand';
import { CancellationError, nullArgumentError, nullSubscriberError, overDeliveryError, withCode } from './errors';
import type { Inspectable, StageSnapshot } from './inspect';
import { MulticastInner } from './MulticastInner';
import { reportError, reportLateError } from './report';
import { RingBuffer } from './RingBuffer';

export interface MulticastHubOptions {
  /** Stage name for snapshots and messages. */
  readonly stage: string;
  /** Items requested upstream ahead of the slowest subscriber (the live window), replenished in 75% steps. */
  readonly prefetch: number;
  /** replay: the last `history` items stay buffered for late subscribers (0: none). */
  readonly history?: number;
  /** 'eager': an upstream error reaches current subscribers at once (Reactor's publish); 'after-buffer': after their items. */
  readonly errorMode?: 'eager' | 'after-buffer';
  /** Unicast: one subscriber ever; a second gets onSubscribe + onError (§1.11). */
  readonly single?: boolean;
  /** Cancel the upstream once the last subscriber cancelled (refCount, processors' autoCancel). */
  readonly cancelWhenIdle?: boolean;
  /**
   * Pull on demand (createSink): ask the upstream for one item only while it has one ready (this returns true; its
   * request is then met at once) and every current subscriber has demand beyond what is buffered for it (none:
   * nothing is asked). The hub then holds nothing at rest and no request stays outstanding: the upstream's buffer is
   * the one bound, and the slowest subscriber's demand gates everyone (Reactor's multicast sink). The owner calls
   * `drain()` when the upstream gets an item.
   */
  readonly upstreamReady?: () => boolean;
}

/**
 * The multicast engine behind publish/share/replay, the processors and createSink: one upstream subscription,
 * one bounded buffer with absolute indices `head..tail`, and one cursor per subscriber. Each subscriber receives
 * buffered items at its own demand; an item leaves the buffer once every current subscriber received it (and it
 * is older than the replay history). Upstream is asked for `prefetch` items ahead of the slowest subscriber
 * (`floor`), in 75% steps, so the buffer never holds more than `prefetch + history` items.
 *
 * With no subscriber, items stay buffered for the next one (up to `prefetch`, then upstream waits). A subscriber
 * joining while others are active starts at the oldest item none of them received yet, so items delivered before
 * it joined are not replayed (except the replay history). Every signal goes through one drain loop (§1.3, §3.3).
 */
export class MulticastHub<T> implements Subscriber<T>, Publisher<T>, Inspectable {
  readonly stage: string;
  readonly prefetch: number;
  private readonly limit: number;
  private readonly history: number;
  private readonly eagerError: boolean;
  private readonly single: boolean;
  private readonly upstreamReady: (() => boolean) | null;
  /** Cancel the upstream once the last subscriber cancelled (set by refCount). */
  cancelWhenIdle: boolean;
  private readonly buffer: RingBuffer<T>;
  private head = 0;
  private tail = 0;
  /** The oldest index a current subscriber (or, with none, the next one) still needs. */
  private floor = 0;
  private inners: MulticastInner<T>[] = [];
  private upstream: Subscription | null = null;
  private hadUpstream = false;
  /** Requested upstream and not yet received. */
  private outstanding = 0;
  /** The upstream terminated (or broke a rule): no more items enter. */
  done = false;
  private error: Error | null = null;
  private errorDelivered = false;
  /** This hub cancelled its upstream (an over-delivery, a disconnect, the last subscriber left): late errors are dropped. */
  private upstreamCancelled = false;
  /** The upstream was cancelled by the owner (a disposed connection, refCount, autoCancel). */
  cancelled = false;
  /** Subscribers still attached when the owner disconnected are failed by the next drain. */
  private failOnDisconnect = false;
  /** Why the upstream was cancelled; errors are built when needed (an Error's stack would pin the caller's frames). */
  private cancelReason: 'disconnected' | 'idle' | null = null;
  /** A subscriber cancelled from inside onSubscribe, before it was added (for the idle check). */
  private leftEarly = false;
  connected = false;
  private everSubscribed = false;
  private wip = 0;
  private received = 0;
  private emitted = 0;
  /** Called once when the upstream was cancelled because the last subscriber left (refCount bookkeeping). */
  onIdle: (() => void) | null = null;

  constructor(options: MulticastHubOptions) {
    this.stage = options.stage;
    this.prefetch = options.prefetch;
    this.limit = replenishAt(options.prefetch);
    this.history = options.history ?? 0;
    this.eagerError = (options.errorMode ?? 'eager') === 'eager';
    this.single = options.single ?? false;
    this.cancelWhenIdle = options.cancelWhenIdle ?? false;
    this.upstreamReady = options.upstreamReady ?? null;
    this.buffer = new RingBuffer<T>(this.prefetch + this.history);
  }

  get subscriberCount(): number {
    let count = 0;
    for (const inner of this.inners) if (!inner.closed) count++;
    return count;
  }

  /** Subscribes the hub to `source` (once). */
  connectTo(source: Flow<T>): void {
    if (this.connected) return;
    this.connected = true;
    source.subscribe(this);
  }

  /** Cancels the upstream; current subscribers receive a CancellationError. Idempotent. */
  disconnect(): void {
    if (this.cancelled || this.done) return;
    this.cancelled = true;
    this.cancelReason = 'disconnected';
    this.failOnDisconnect = true;
    this.cancelUpstream();
    this.drain();
  }

  // ---- Publisher side -------------------------------------------------------------------------------------------

  subscribe(subscriber: Subscriber<T>): void {
    if (subscriber == null) throw nullSubscriberError(); // §1.9
    const inner = new MulticastInner<T>(subscriber, this);
    if (this.single && this.everSubscribed) {
      inner.close(false);
      subscriber.onSubscribe(inner); // §1.9 onSubscribe first, then the rejection (§1.11 unicast)
      subscriber.onError(withCode(new Error(`§1.11: ${this.stage} allows a single subscriber; this one was rejected`), 'ERR_SLUICE_SINGLE_SUBSCRIBER'));
      return;
    }
    this.everSubscribed = true;
    try {
      subscriber.onSubscribe(inner);
    } catch (error) {
      inner.close(true); // §2.13 a throwing onSubscribe counts as a cancel; the error is reported
      reportError(error);
    }
    if (inner.closed) {
      inner.detach();
      this.leftEarly = true;
      this.drain(); // a cancel from inside onSubscribe may leave the hub idle
      return;
    }
    if (this.cancelled) {
      inner.close(false)?.onError(cancelledError(this.stage, this.cancelReason)); // the upstream is gone
      return;
    }
    inner.cursor = this.startIndex();
    this.inners.push(inner);
    if (inner.cursor < this.floor) this.floor = inner.cursor; // a replay subscriber holds the history
    this.drain();
  }

  private startIndex(): number {
    let start = this.floor;
    for (const inner of this.inners) if (!inner.closed && inner.cursor > start) start = inner.cursor;
    if (this.history > 0) start = Math.min(start, Math.max(this.head, this.tail - this.history));
    return start;
  }

  // ---- Subscriber side ------------------------------------------------------------------------------------------

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.hadUpstream || this.done || this.cancelled) {
      cancelQuietly(subscription); // §2.5 a second (or late) subscription is cancelled
      return;
    }
    this.hadUpstream = true;
    this.connected = true;
    this.upstream = subscription;
    this.drain(); // requests the first window
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done || this.cancelled) return; // §2.8 in-flight items after cancel; §1.7 nothing after the end
    if (this.outstanding === 0 || !this.buffer.offer(value)) {
      // §1.1 more than requested (or §1.9 before onSubscribe): contained, the upstream is cancelled
      const error = this.upstream === null
        ? withCode(new Error(`§1.9: ${this.stage} received onNext before onSubscribe`), 'ERR_SLUICE_SIGNAL_ORDER')
        : overDeliveryError(this.stage, this.outstanding);
      this.cancelUpstream();
      this.terminate(error);
      return;
    }
    this.outstanding--;
    this.tail++;
    this.received++;
    this.drain();
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.done || this.cancelled) {
      // after this hub cancelled the upstream nobody listens: dropped (ADR 0012); after its own end, §1.7: reported
      reportLateError(error, this.cancelled || this.upstreamCancelled);
      return;
    }
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
    if (upstream !== null) {
      this.upstreamCancelled = true;
      cancelQuietly(upstream);
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
    if (this.failOnDisconnect) {
      this.failOnDisconnect = false;
      if (this.inners.length > 0) this.failAll(cancelledError(this.stage, 'disconnected'));
      this.clearBuffer();
    }
    if (this.error !== null && this.eagerError && !this.errorDelivered) {
      this.errorDelivered = true; // eager: every current subscriber gets the error now, ahead of its items
      this.failAll(this.error);
      if (this.history === 0) this.clearBuffer();
    }
    let cancelledSome = this.leftEarly;
    this.leftEarly = false;
    for (const inner of this.inners) {
      if (!inner.closed) this.emitTo(inner);
      if (inner.closed && inner.cancelledBySubscriber) cancelledSome = true;
    }
    this.moveFloor();
    if (this.inners.some((inner) => inner.closed)) this.removeClosed();
    if (cancelledSome && this.inners.length === 0 && (this.single || this.cancelWhenIdle) && !this.done && !this.cancelled) {
      this.cancelled = true; // the last subscriber left: release the upstream (refCount, autoCancel, unicast)
      this.cancelReason = 'idle';
      this.cancelUpstream();
      this.clearBuffer();
      const onIdle = this.onIdle;
      this.onIdle = null;
      if (onIdle !== null) onIdle();
      return;
    }
    this.release();
    this.requestMore();
  }

  private emitTo(inner: MulticastInner<T>): void {
    if (inner.invalidRequest !== null) {
      inner.close(true)?.onError(inner.invalidRequest); // §3.9 the subscription is cancelled, then onError
      return;
    }
    const buffer = this.buffer;
    try {
      while (inner.requested > 0 && inner.cursor < this.tail && !this.cancelled) {
        const item = buffer.get(inner.cursor - this.head) as T;
        inner.cursor++;
        inner.requested--; // Infinity - 1 stays unbounded
        this.emitted++;
        inner.downstream!.onNext(item);
        if (inner.closed) return;
      }
      if (this.done && !this.cancelled && inner.cursor >= this.tail) {
        const downstream = inner.close(false);
        if (this.error !== null) downstream?.onError(this.error);
        else downstream?.onComplete();
      }
    } catch (error) {
      inner.close(true); // §2.13 the subscriber threw: treat it as cancelled and report
      reportError(error);
    }
  }

  private failAll(error: Error): void {
    for (const inner of this.inners) {
      if (inner.closed) continue;
      try {
        inner.close(false)?.onError(error);
      } catch (thrown) {
        reportError(thrown); // §2.13
      }
    }
  }

  private removeClosed(): void {
    const open: MulticastInner<T>[] = [];
    for (const inner of this.inners) {
      if (inner.closed) inner.detach(); // §3.13 a subscriber that left holds nothing here and is held by nothing
      else open.push(inner);
    }
    this.inners = open;
  }

  /**
   * Moves `floor` to the slowest open subscriber. When the last ones just left, to the furthest any of them got:
   * what lies beyond was received by nobody and waits for the next subscriber.
   */
  private moveFloor(): void {
    if (this.inners.length === 0) return;
    let slowest = Infinity;
    let furthest = this.floor;
    for (const inner of this.inners) {
      if (!inner.closed && inner.cursor < slowest) slowest = inner.cursor;
      if (inner.cursor > furthest) furthest = inner.cursor;
    }
    this.floor = slowest === Infinity ? furthest : slowest;
  }

  /** Drops what every subscriber received, keeping the replay history. */
  private release(): void {
    const newHead = Math.min(this.floor, Math.max(this.head, this.tail - this.history));
    while (this.head < newHead) {
      this.buffer.poll();
      this.head++;
    }
  }

  private clearBuffer(): void {
    this.buffer.clear();
    this.head = this.floor = this.tail;
  }

  /** Keeps `outstanding + (tail - floor) <= prefetch`, asking in 75% steps (Reactor's replenish). */
  private requestMore(): void {
    const upstream = this.upstream;
    if (upstream === null || this.done || this.cancelled) return;
    if (this.upstreamReady !== null && (this.outstanding > 0 || !this.upstreamReady() || !this.everySubscriberWants())) return;
    const free = this.prefetch - (this.tail - this.floor) - this.outstanding;
    if (free < this.limit) return;
    this.outstanding += free;
    upstream.request(free);
  }

  /** At least one open subscriber, and each has demand beyond the items already buffered for it. */
  private everySubscriberWants(): boolean {
    let open = 0;
    for (const inner of this.inners) {
      if (inner.closed) continue;
      open++;
      if (inner.requested <= this.tail - inner.cursor) return false;
    }
    return open > 0;
  }

  // ---- introspection --------------------------------------------------------------------------------------------

  inspect(): StageSnapshot {
    const subscribers = this.inners.filter((inner) => !inner.closed).map((inner) => ({
      requested: inner.requested,
      pending: Math.max(0, this.tail - inner.cursor),
    }));
    return {
      stage: this.stage,
      capacity: this.prefetch + this.history,
      buffered: this.buffer.size,
      requested: subscribers.length === 0 ? 0 : Math.min(...subscribers.map((s) => s.requested)),
      upstreamRequested: this.outstanding,
      received: this.received,
      emitted: this.emitted,
      dropped: 0,
      terminated: this.done,
      cancelled: this.cancelled,
      subscribers,
    };
  }
}

function cancelledError(stage: string, reason: 'disconnected' | 'idle' | null): CancellationError {
  const error = new CancellationError(stage, 'cancelled');
  error.message = reason === 'idle'
    ? `${stage}: the upstream was cancelled when the last subscriber cancelled; no more items will come`
    : `${stage}: disconnected: the connection was disposed while this subscriber was active`;
  return error;
}

function cancelQuietly(subscription: Subscription): void {
  try {
    subscription.cancel();
  } catch (error) {
    reportError(error); // §3.15 cancel must not throw; one that does is reported
  }
}
