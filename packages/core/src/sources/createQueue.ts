import { Flow } from '../Flow';
import { requirePositiveBound } from '../internal/demand';
import { DrainSubscription } from '../internal/DrainSubscription';
import { toError, withCode } from '../internal/errors';
import { requireMaxAge, type DropReason } from '../internal/ExpiringBuffer';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import { reportError } from '../internal/report';
import { RingBuffer } from '../internal/RingBuffer';
import { TaskSlot } from '../internal/scheduling';
import type { Scheduler } from '../schedulers/Scheduler';
import type { Subscriber } from '../spec/Subscriber';
import { requireScheduler } from './interval';

/** What `offer` decided, at once: taken, refused because the queue is full (answer 429), withdrawn, or over. */
export type OfferOutcome = 'accepted' | 'shed' | 'aborted' | 'closed';

export interface QueueOptions<T> {
  /** The most items waiting for the subscriber (beyond its demand). Default 256. */
  capacity?: number;
  /** Age budget in ms from the moment an item was offered: older waiting items are dropped ('expired'). */
  maxAge?: number;
  /** Called with each item that leaves without being delivered: 'expired', 'aborted' (its signal), 'error'. */
  onDrop?: (item: T, reason: DropReason) => void;
  /** The clock of `maxAge`. Default `timerScheduler`; tests pass a `VirtualTimeScheduler`. */
  scheduler?: Scheduler;
  /** The stage name in snapshots and errors. Default 'queue'. */
  name?: string;
}

export interface OfferOptions {
  /** Aborting it withdraws the item while it waits (its client left): dropped as 'aborted', never delivered. */
  signal?: AbortSignal;
}

/** `inspect()` of a queue: the StageSnapshot plus what the queue refused and why items left undelivered. */
export interface QueueSnapshot extends StageSnapshot {
  readonly shed: number;
  readonly expired: number;
  readonly aborted: number;
}

/** The handle an HTTP handler (or any producer) holds: see `createQueue`. */
export interface IngressQueue<T> {
  /** The consumer's side: one subscriber at a time; a later one continues with what is left. */
  readonly flow: Flow<T>;
  /** Takes `item` if there is room (or demand), else 'shed'. Never waits, never throws for a full queue. */
  offer(item: T, options?: OfferOptions): OfferOutcome;
  /** `offer(item, options) === 'accepted'`. */
  next(item: T, options?: OfferOptions): boolean;
  /** How many offers made now, in a row, are accepted: free slots plus the subscriber's outstanding demand. */
  readonly desiredSize: number;
  /** Items waiting (not counting withdrawn ones). */
  readonly size: number;
  /** No more offers ('closed'); the subscriber completes after the waiting items. */
  complete(): void;
  /** No more offers; the subscriber fails after the waiting items. */
  error(error: unknown): void;
  inspect(): QueueSnapshot;
}

/**
 * A bounded ingress queue with a handle that lives outside any callback: a request handler calls `offer` and gets
 * the admission decision at once ('accepted', or 'shed' when full: answer 429), each item may carry an
 * `AbortSignal` that withdraws it if its client leaves, and with `maxAge` an item that waited too long is dropped
 * as 'expired' (answer 504) instead of being processed late.
 *
 * ```
 * offer:       a b c d e        (capacity 3, no demand yet: d, e are 'shed')
 * abort(b):      ^ b leaves the queue, onDrop(b, 'aborted')
 * request:     .......... 2
 * downstream:             a c
 * ```
 *
 * **Demand**: items are delivered only against the subscriber's demand; the rest wait, at most `capacity` of them
 * beyond that demand (plus up to `capacity` offered from inside the subscriber's onNext, which the running loop
 * delivers). Memory: a ring of `3 × capacity` slots, as withdrawn items are compacted away lazily. `desiredSize`
 * says how many more would be accepted. **Errors**: `error(e)` fails the subscriber after the waiting items; a throwing `onDrop`
 * does the same with its error and closes the queue. A second subscriber while one is active gets onError.
 * **Cancellation**: the subscriber leaving keeps the waiting items for the next subscriber; its references are
 * released (§3.13). Delivered items no longer listen to their signal.
 *
 * @example
 * const jobs = createQueue<Job>({ capacity: 100, maxAge: 2_000, onDrop: (job, why) => job.reply(why === 'expired' ? 504 : 499) });
 * server.on('request', (req, res) => {
 *   const job = toJob(req, res);
 *   if (jobs.offer(job, { signal: job.signal }) === 'shed') res.writeHead(429, { 'retry-after': '1' }).end();
 * });
 * jobs.flow.pipe(mergeMap((job, _i, signal) => run(job, signal), { concurrency: 8 })).subscribe(sink);
 */
export function createQueue<T>(options: QueueOptions<T> = {}): IngressQueue<T> {
  if (options === null || typeof options !== 'object') throw new TypeError('createQueue: options must be an object');
  const name = options.name ?? 'queue';
  if (typeof name !== 'string') throw new TypeError(`createQueue: name must be a string, got ${typeof name}`);
  const capacity = requirePositiveBound(`${name}: capacity`, options.capacity ?? 256);
  const maxAge = requireMaxAge(name, options.maxAge);
  const scheduler = requireScheduler(name, options.scheduler);
  const onDrop = options.onDrop;
  if (onDrop !== undefined && typeof onDrop !== 'function') throw new TypeError(`${name}: onDrop must be a function`);
  return new Queue<T>(name, capacity, maxAge, scheduler, onDrop);
}

/** One offered item while it waits; `live` false once it was withdrawn (its slot is compacted away later). */
interface Entry<T> {
  item: T | null;
  readonly at: number;
  signal: AbortSignal | null;
  onAbort: (() => void) | null;
  live: boolean;
}

class Queue<T> implements IngressQueue<T> {
  readonly flow: Flow<T>;
  private readonly name: string;
  private readonly capacity: number;
  private readonly maxAge: number;
  private readonly scheduler: Scheduler;
  private readonly onDrop: ((item: T, reason: DropReason) => void) | undefined;
  /** Waiting entries, live and withdrawn, FIFO; `3 × capacity` slots so compaction is amortised O(1) (see `room`). */
  private readonly entries: RingBuffer<Entry<T>>;
  private live = 0;
  private readonly timer = new TaskSlot();
  private consumer: QueueSubscription<T> | null = null;
  private open = true;
  private failure: Error | null = null;
  private accepted = 0;
  private emitted = 0;
  private shed = 0;
  private expired = 0;
  private aborted = 0;
  private failed = 0;

  constructor(name: string, capacity: number, maxAge: number, scheduler: Scheduler, onDrop: ((item: T, reason: DropReason) => void) | undefined) {
    this.name = name;
    this.capacity = capacity;
    this.maxAge = maxAge;
    this.scheduler = scheduler;
    this.onDrop = onDrop;
    this.entries = new RingBuffer<Entry<T>>(capacity * 3);
    this.flow = new Flow<T>((subscriber) => this.subscribe(subscriber));
  }

  get size(): number {
    return this.live;
  }

  get desiredSize(): number {
    return this.open ? Math.max(0, this.room - this.live) : 0;
  }

  /**
   * How many items may be held: `capacity` waiting beyond demand, plus the subscriber's demand up to `capacity`
   * more (items offered from inside its onNext wait for the running loop), so `live ≤ 2 × capacity` and a full
   * ring of `3 × capacity` slots always holds at least `capacity` withdrawn entries to compact away.
   */
  private get room(): number {
    return this.capacity + Math.min(this.consumer?.demand ?? 0, this.capacity);
  }

  offer(item: T, options?: OfferOptions): OfferOutcome {
    if (item == null) throw new TypeError(`§2.13: ${this.name}: offer(${String(item)}): null and undefined are not elements`);
    if (!this.open) return 'closed';
    const signal = options?.signal ?? null;
    if (signal !== null && signal.aborted) return 'aborted';
    if (this.live >= this.room) {
      this.shed++;
      return 'shed';
    }
    if (this.entries.isFull) this.compact();
    const entry: Entry<T> = { item, at: this.scheduler.now(), signal, onAbort: null, live: true };
    if (signal !== null) {
      entry.onAbort = () => this.withdraw(entry);
      signal.addEventListener('abort', entry.onAbort, { once: true });
    }
    this.entries.offer(entry);
    this.live++;
    this.accepted++;
    this.armTimer();
    this.consumer?.wake();
    return 'accepted';
  }

  next(item: T, options?: OfferOptions): boolean {
    return this.offer(item, options) === 'accepted';
  }

  complete(): void {
    if (!this.open) return;
    this.open = false;
    this.consumer?.wake();
  }

  error(error: unknown): void {
    if (!this.open) return reportError(error); // §1.7 an error after the end is never delivered, never swallowed
    this.open = false;
    this.failure = error == null ? withCode(new TypeError(`${this.name}: error(${String(error)}): an error is required`), 'ERR_SLUICE_NULL_SIGNAL') : toError(error);
    this.consumer?.wake();
  }

  inspect(): QueueSnapshot {
    const consumer = this.consumer;
    return {
      stage: this.name,
      capacity: this.capacity,
      buffered: this.live,
      requested: consumer?.demand ?? 0,
      upstreamRequested: 0,
      received: this.accepted,
      emitted: this.emitted,
      dropped: this.expired + this.aborted + this.failed,
      terminated: this.finished,
      cancelled: false,
      shed: this.shed,
      expired: this.expired,
      aborted: this.aborted,
    };
  }

  // ---- the subscriber's side ---------------------------------------------------------------------------------

  private subscribe(subscriber: Subscriber<T>): void {
    if (this.consumer !== null) {
      const refused = new QueueSubscription<T>(subscriber, null);
      subscriber.onSubscribe(refused); // §1.9
      refused.failWith(withCode(new Error(`${this.name}: one subscriber at a time (a queue hands each item to one consumer)`), 'ERR_SLUICE_SINGLE_SUBSCRIBER'));
      return;
    }
    const subscription = new QueueSubscription<T>(subscriber, this);
    this.consumer = subscription; // before onSubscribe: a request made there is served at once
    subscriber.onSubscribe(subscription); // §1.9
    if (!subscription.isOver) subscription.wake();
  }

  /** Called by the subscription's drain loop: the next live item against demand, or undefined. */
  take(): T | undefined {
    for (let entry = this.entries.poll(); entry !== undefined; entry = this.entries.poll()) {
      if (!entry.live) continue;
      const item = this.release(entry);
      this.live--;
      this.emitted++;
      return item;
    }
    return undefined;
  }

  /** True once intake is closed and nothing waits: the terminal signal may go (with `failure`, if any). */
  get finished(): boolean {
    return !this.open && this.live === 0;
  }

  get endError(): Error | null {
    return this.failure;
  }

  detach(subscription: QueueSubscription<T>): void {
    if (this.consumer === subscription) this.consumer = null;
  }

  /** Drops waiting items whose age budget is used up (oldest first); a throwing onDrop fails the queue. */
  expire(): void {
    if (this.maxAge === Infinity) return;
    const now = this.scheduler.now();
    for (let entry = this.entries.peek(); entry !== undefined; entry = this.entries.peek()) {
      if (entry.live && entry.at + this.maxAge > now) break;
      this.entries.poll();
      if (!entry.live) continue;
      this.expired++;
      this.live--;
      this.dropped(this.release(entry), 'expired');
    }
  }

  private armTimer(): void {
    if (this.maxAge === Infinity || this.timer.pending) return;
    let head = this.entries.peek();
    while (head !== undefined && !head.live) {
      this.entries.poll();
      head = this.entries.peek();
    }
    if (head === undefined) return;
    this.timer.schedule(this.scheduler, this.fire, Math.max(0, head.at + this.maxAge - this.scheduler.now()));
  }

  private readonly fire = (): void => {
    this.timer.ran();
    this.expire();
    this.consumer?.wake();
    this.armTimer();
  };

  /** The item's client left (its signal aborted) while it waited. */
  private withdraw(entry: Entry<T>): void {
    if (!entry.live) return;
    this.live--;
    this.aborted++;
    this.dropped(this.release(entry), 'aborted');
    this.consumer?.wake(); // a finished queue may now be empty
  }

  /** Marks the entry withdrawn or taken, stops listening to its signal and returns its item (§3.13). */
  private release(entry: Entry<T>): T {
    const item = entry.item as T;
    entry.live = false;
    entry.item = null;
    if (entry.signal !== null && entry.onAbort !== null) entry.signal.removeEventListener('abort', entry.onAbort);
    entry.signal = null;
    entry.onAbort = null;
    return item;
  }

  private dropped(item: T, reason: DropReason): void {
    if (this.onDrop === undefined) return;
    try {
      this.onDrop(item, reason);
    } catch (thrown) {
      // a user error: the queue closes and the subscriber fails after the waiting items (never thrown at an abort)
      if (this.open) {
        this.open = false;
        this.failure = toError(thrown);
      } else {
        reportError(thrown);
      }
    }
  }

  /** Keeps only the live entries (runs when the ring is full: at least `capacity` withdrawn ones go). */
  private compact(): void {
    for (let n = this.entries.size; n > 0; n--) {
      const entry = this.entries.poll()!;
      if (entry.live) this.entries.offer(entry);
    }
  }
}

/** The one active subscriber of a queue: demand plus a drain loop that takes items from the queue. */
class QueueSubscription<T> extends DrainSubscription<T> implements Inspectable {
  private queue: Queue<T> | null;

  constructor(downstream: Subscriber<T>, queue: Queue<T> | null) {
    super(downstream);
    this.queue = queue;
  }

  get demand(): number {
    return this.cancelled ? 0 : this.requested;
  }

  get isOver(): boolean {
    return this.cancelled;
  }

  wake(): void {
    this.drain();
  }

  failWith(error: Error): void {
    this.fail(error);
  }

  inspect(): StageSnapshot {
    return this.queue?.inspect() ?? this.snapshot('queue');
  }

  protected emitSome(downstream: Subscriber<T>): void {
    const queue = this.queue;
    if (queue === null) return;
    queue.expire(); // never deliver an item past its age budget
    while (this.requested > 0) {
      const item = queue.take();
      if (item === undefined) break;
      this.requested--; // Infinity - 1 stays unbounded
      this.emittedItems++;
      downstream.onNext(item);
      if (this.cancelled) return;
    }
    if (queue.finished) {
      const error = queue.endError;
      if (error !== null) this.fail(error);
      else this.complete();
    }
  }

  protected override dispose(): void {
    const queue = this.queue;
    this.queue = null; // §3.13
    queue?.detach(this);
  }
}
