import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { UNBOUNDED } from './demand';
import { DrainSubscription } from './DrainSubscription';
import { FlatMapInner, projectInner, wantsSignal, type ProjectFunction } from './FlatMapInner';
import { nullArgumentError, overDeliveryError, toError } from './errors';
import type { Inspectable, JobsSnapshot, StageSnapshot } from './inspect';
import { reportDroppedError, reportError } from './report';
import { RingBuffer } from './RingBuffer';

export interface FlatMapSettings {
  /** Operator name, for messages and `inspect()`. */
  readonly name: string;
  /** Most inner subscriptions alive at once (`Infinity` allowed). */
  readonly concurrency: number;
  /** Outer items requested ahead: active inners + buffered outer items + outstanding outer demand. ≥ concurrency. */
  readonly outerPrefetch: number;
  /** Demand given to each inner; also the bound of its queue. */
  readonly prefetch: number;
  /**
   * Per-job failure mode (mergeMap's `onJobError`): a job whose project function throws or whose inner fails is
   * reported here and counted, and the stage goes on. Absent: the first failure fails the stage (the default).
   */
  readonly onJobError?: ((error: Error, value: never, index: number) => void) | undefined;
}

/**
 * The engine of mergeMap, concatMap and merge: a drain loop (DrainSubscription) that is also the Subscriber of the
 * outer publisher. Each outer item is projected to an inner publisher, subscribed through a `FlatMapInner` whose
 * items wait in a bounded queue (`prefetch`). Every downstream `onNext` comes from the one drain loop, round-robin
 * over the inners, so emission is serial (§1.3) and never exceeds demand (§1.1).
 *
 * Bounds: at most `concurrency` live inners; `active + buffered outer + outstanding outer = outerPrefetch`, so the
 * outer queue (capacity `outerPrefetch - concurrency`, none for mergeMap) can never overflow. An inner counts as live
 * until it has completed *and* its queue was emitted; only then is the next outer item started or requested.
 */
export class FlatMapSubscriber<T, R> extends DrainSubscription<R> implements Subscriber<T>, Inspectable {
  private upstream: Subscription | null = null;
  private project: ProjectFunction<T, R> | null;
  private readonly settings: FlatMapSettings;
  private readonly withSignal: boolean;
  private readonly outerQueue: RingBuffer<T> | null;
  private index = 0;
  /** The outer sent a terminal signal, or we stopped listening to it. */
  private outerDone = false;
  private outerOutstanding = 0;
  private error: Error | null = null;
  // The live inners: an intrusive doubly linked list (O(1) removal, no array splicing) with a round-robin cursor.
  private head: FlatMapInner<R> | null = null;
  private tail: FlatMapInner<R> | null = null;
  private cursor: FlatMapInner<R> | null = null;
  private active = 0;
  /** Inners that completed but still sit in the list. */
  private finished = 0;
  /** Items waiting in all inner queues together. */
  bufferedItems = 0;
  private completedJobs = 0;
  private failedJobs = 0;

  constructor(downstream: Subscriber<R>, project: ProjectFunction<T, R>, settings: FlatMapSettings) {
    super(downstream);
    this.project = project;
    this.settings = settings;
    this.withSignal = wantsSignal(project);
    const spare = settings.outerPrefetch - settings.concurrency;
    this.outerQueue = spare > 0 ? new RingBuffer<T>(spare) : null;
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.upstream !== null || this.outerDone || this.cancelled) {
      subscription.cancel(); // §2.5 a second (or late) subscription is cancelled
      return;
    }
    this.upstream = subscription;
    this.downstream!.onSubscribe(this);
    if (this.cancelled || this.upstream === null) return;
    this.outerOutstanding = this.settings.outerPrefetch;
    subscription.request(this.settings.outerPrefetch);
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.outerDone || this.cancelled) return; // §2.8 items in flight after cancel or failure are dropped
    if (this.outerOutstanding !== UNBOUNDED) this.outerOutstanding--;
    if (this.active < this.settings.concurrency && (this.outerQueue === null || this.outerQueue.isEmpty)) {
      this.startInner(value);
    } else if (this.outerQueue === null || !this.outerQueue.offer(value)) {
      this.stop(overDeliveryError(this.settings.name, 0)); // §1.1 only a rule-breaking upstream gets here
    }
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.cancelled) return reportDroppedError(error); // after cancel nobody listens: dropped, never thrown
    if (this.outerDone) return reportError(error); // §1.7 never delivered twice, never swallowed
    this.upstream = null;
    this.stop(error);
  }

  onComplete(): void {
    if (this.outerDone) return; // §1.7
    this.outerDone = true;
    this.upstream = null;
    this.drain();
  }

  /** Called by an inner after it queued an item or completed. */
  innerSignalled(): void {
    this.drain();
  }

  /** Eager failure: stop the outer now, let the drain loop cancel the inners and signal onError. */
  stop(error: Error): void {
    if (this.cancelled) return reportDroppedError(error); // after cancel nobody listens: dropped, never thrown
    if (this.error !== null) return reportError(error); // §1.7 only the first error is delivered
    this.error = error;
    this.outerDone = true;
    const upstream = this.upstream;
    this.upstream = null;
    upstream?.cancel();
    this.drain();
  }

  innerCompleted(): void {
    this.finished++;
    this.drain();
  }

  /** A job failed: fail the stage (default), or report and count it and free its slot (`onJobError`). */
  jobFailed(error: Error, inner: FlatMapInner<unknown> | null, value: unknown, index: number): void {
    const report = this.settings.onJobError;
    if (report === undefined || this.cancelled || this.error !== null) return this.stop(error);
    this.failedJobs++;
    try {
      report(error, value as never, index);
    } catch (thrown) {
      return this.stop(toError(thrown)); // a throwing callback is a user error like any other
    }
    if (inner !== null) return this.innerCompleted(); // its queued items are still emitted, then the slot frees
    this.completedJobs++; // the project threw: the item never took a slot, so the outer is asked for another
    this.requestOneOuter();
  }

  private startInner(value: T): void {
    const subscriber = new FlatMapInner<R>(this, this.settings.prefetch, this.withSignal);
    const index = this.index++;
    if (this.settings.onJobError !== undefined) {
      subscriber.value = value;
      subscriber.index = index;
    }
    const inner = projectInner(this, this.project!, value, index, subscriber.signal);
    if (inner === null) return; // the stage failed, or the job was reported
    subscriber.prev = this.tail;
    if (this.tail === null) this.head = subscriber;
    else this.tail.next = subscriber;
    this.tail = subscriber;
    this.active++;
    subscriber.connect(inner);
  }

  private unlink(inner: FlatMapInner<R>): void {
    if (inner.prev === null) this.head = inner.next;
    else inner.prev.next = inner.next;
    if (inner.next === null) this.tail = inner.prev;
    else inner.next.prev = inner.prev;
    if (this.cursor === inner) this.cursor = inner.next;
    inner.prev = inner.next = null;
    this.active--;
  }

  /** A finished inner freed its slot: start a buffered outer item, and ask the outer for one more. */
  private innerRemoved(inner: FlatMapInner<R>): void {
    this.unlink(inner);
    this.finished--;
    this.completedJobs++;
    if (this.outerQueue !== null && !this.outerQueue.isEmpty) this.startInner(this.outerQueue.poll()!);
    this.requestOneOuter();
  }

  private requestOneOuter(): void {
    const upstream = this.upstream;
    if (upstream !== null && this.outerOutstanding !== UNBOUNDED && !this.outerDone) {
      this.outerOutstanding++;
      upstream.request(1);
    }
  }

  protected emitSome(downstream: Subscriber<R>): void {
    if (this.error !== null) return this.failNow(this.error);
    if (this.requested > 0 && this.bufferedItems > 0) {
      // One round-robin pass from where the last one ran out of demand; items arriving meanwhile re-enter the loop.
      let inner = this.cursor ?? this.head;
      for (let n = this.active; n > 0 && inner !== null && this.bufferedItems > 0; n--) {
        const queue = inner.queue;
        while (this.requested > 0 && !queue.isEmpty) {
          const value = queue.poll()!;
          this.bufferedItems--;
          this.requested--; // Infinity - 1 stays Infinity
          this.emittedItems++;
          downstream.onNext(value);
          if (this.cancelled) return;
          if (this.error !== null) return this.failNow(this.error);
          inner.consumedOne();
        }
        inner = inner.next ?? this.head;
        if (this.requested === 0) break;
      }
      this.cursor = inner;
    }
    if (this.finished > 0) {
      let inner = this.head;
      while (inner !== null) {
        const next = inner.next;
        if (inner.done && inner.queue.isEmpty) this.innerRemoved(inner);
        if (this.cancelled) return;
        if (this.error !== null) return this.failNow(this.error);
        inner = next;
      }
    }
    if (this.outerDone && this.active === 0 && (this.outerQueue === null || this.outerQueue.isEmpty)) {
      this.complete();
    }
  }

  private failNow(error: Error): void {
    this.fail(error);
  }

  protected override dispose(): void {
    const upstream = this.upstream;
    this.upstream = null;
    this.outerDone = true;
    upstream?.cancel(); // §3.13 and §3.5: cancelling releases the outer …
    let inner = this.head;
    while (inner !== null) {
      const next = inner.next;
      inner.cancel(); // … and every inner
      inner = next;
    }
    this.head = this.tail = this.cursor = null;
    this.active = this.finished = this.bufferedItems = 0;
    this.outerQueue?.clear();
    this.project = null;
  }

  inspect(): StageSnapshot {
    const { concurrency, prefetch, name } = this.settings;
    const outer = this.outerQueue;
    const jobs: JobsSnapshot = {
      active: this.active,
      queued: outer === null ? 0 : outer.size,
      concurrency,
      completed: this.completedJobs,
      failed: this.failedJobs,
    };
    return {
      stage: name,
      capacity: concurrency * prefetch + (outer === null ? 0 : outer.capacity),
      buffered: this.bufferedItems + (outer === null ? 0 : outer.size),
      requested: this.requested,
      upstreamRequested: this.outerOutstanding,
      received: this.receivedItems,
      emitted: this.emittedItems,
      dropped: 0,
      terminated: this.terminated,
      cancelled: this.cancelled && !this.terminated,
      jobs,
    };
  }

  /** @internal counts items arriving from inners, for inspect(). */
  countReceived(): void {
    this.receivedItems++;
    this.bufferedItems++;
  }

  get name(): string {
    return this.settings.name;
  }
}
