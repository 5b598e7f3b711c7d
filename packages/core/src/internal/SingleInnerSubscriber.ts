import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { DrainSubscription } from './DrainSubscription';
import { nullArgumentError } from './errors';
import { FlatMapInner, projectInner, wantsSignal, type InnerParent, type ProjectFunction } from './FlatMapInner';
import type { Inspectable, StageSnapshot } from './inspect';
import { reportDroppedError, reportError } from './report';

export interface SingleInnerSettings {
  /** Operator name, for messages and `inspect()`. */
  readonly name: string;
  /** 'switch': a new outer item cancels the running inner; 'exhaust': outer items are dropped while one runs. */
  readonly mode: 'switch' | 'exhaust';
  /** Demand given to the inner; also the bound of its queue (replenished at 75%). */
  readonly prefetch: number;
}

/**
 * The engine of switchMap and exhaustMap: at most one inner at a time, read through a `FlatMapInner` (bounded
 * queue of `prefetch`). The outer is requested one item at a time, and the next one as soon as an item arrived, so
 * it always has exactly one outstanding request and nothing of it is ever queued: an outer item either starts an
 * inner at once or is dropped (exhaust), or replaces the inner at once (switch).
 *
 * Downstream demand lives only in this stage's `requested` and is decremented per emitted item; an inner never
 * holds downstream demand, so switching inners neither loses nor duplicates any of it. An inner is live until it
 * has completed and its queue was emitted.
 */
export class SingleInnerSubscriber<T, R> extends DrainSubscription<R> implements Subscriber<T>, InnerParent, Inspectable {
  private upstream: Subscription | null = null;
  private project: ProjectFunction<T, R> | null;
  private readonly withSignal: boolean;
  private readonly settings: SingleInnerSettings;
  private current: FlatMapInner<R> | null = null;
  private index = 0;
  private outerDone = false;
  private outerOutstanding = 0;
  private error: Error | null = null;
  private bufferedItems = 0;
  /** Outer items ignored (exhaust) plus inner items discarded when their inner was switched away (switch). */

  constructor(downstream: Subscriber<R>, project: ProjectFunction<T, R>, settings: SingleInnerSettings) {
    super(downstream);
    this.project = project;
    this.withSignal = wantsSignal(project);
    this.settings = settings;
  }

  get name(): string {
    return this.settings.name;
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.upstream !== null || this.outerDone || this.cancelled) {
      subscription.cancel(); // §2.5 a second (or late) subscription is cancelled
      return;
    }
    this.upstream = subscription;
    this.downstream!.onSubscribe(this);
    this.requestOuter();
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.outerDone || this.cancelled) return; // §2.8 in flight after cancel or failure
    this.outerOutstanding = 0;
    const live = this.current;
    if (live !== null) {
      if (this.settings.mode === 'exhaust') {
        this.droppedItems++; // an inner is running: this outer item is ignored
      } else {
        this.current = null;
        this.droppedItems += live.queue.size; // its undelivered items go with it
        this.bufferedItems -= live.queue.size;
        live.cancel();
        this.startInner(value);
      }
    } else {
      this.startInner(value);
    }
    this.requestOuter();
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.cancelled) return reportDroppedError(error); // after cancel nobody listens: dropped, never thrown
    if (this.outerDone) return reportError(error); // §1.7
    this.upstream = null;
    this.stop(error);
  }

  onComplete(): void {
    if (this.outerDone) return; // §1.7
    this.outerDone = true;
    this.upstream = null;
    this.drain();
  }

  countReceived(): void {
    this.receivedItems++;
    this.bufferedItems++;
  }

  innerSignalled(): void {
    this.drain();
  }

  innerCompleted(): void {
    this.drain();
  }

  jobFailed(error: Error): void {
    this.stop(error);
  }

  /** Eager failure: stop the outer now; the drain loop cancels the inner and signals onError. */
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

  /** Keeps exactly one outer request outstanding, so outer items never wait in this stage. */
  private requestOuter(): void {
    const upstream = this.upstream;
    if (upstream === null || this.outerDone || this.cancelled || this.outerOutstanding > 0) return;
    this.outerOutstanding = 1;
    upstream.request(1);
  }

  private startInner(value: T): void {
    const subscriber = new FlatMapInner<R>(this, this.settings.prefetch, this.withSignal);
    const inner = projectInner(this, this.project!, value, this.index++, subscriber.signal);
    if (inner === null) return; // the stage failed
    this.current = subscriber;
    subscriber.connect(inner);
  }

  protected emitSome(downstream: Subscriber<R>): void {
    for (;;) {
      if (this.error !== null) return this.end(this.error);
      const inner = this.current;
      if (inner === null) break;
      if (this.requested > 0 && !inner.queue.isEmpty) {
        const value = inner.queue.poll()!;
        this.bufferedItems--;
        this.requested--; // Infinity - 1 stays Infinity
        this.emittedItems++;
        downstream.onNext(value);
        if (this.cancelled) return;
        if (inner === this.current) inner.consumedOne(); // a switched-away inner is already cancelled
        continue;
      }
      if (inner.done && inner.queue.isEmpty) this.current = null; // completed and emitted: no longer live
      break;
    }
    if (this.outerDone && this.current === null) this.end(null);
  }

  private end(error: Error | null): void {
    if (error === null) this.complete();
    else this.fail(error);
  }

  protected override dispose(): void {
    const upstream = this.upstream;
    this.upstream = null;
    this.outerDone = true;
    upstream?.cancel(); // §3.13 and §3.5: cancelling releases the outer …
    const inner = this.current;
    this.current = null;
    inner?.cancel(); // … and the inner
    this.bufferedItems = 0;
    this.project = null;
  }

  inspect(): StageSnapshot {
    return {
      stage: this.settings.name,
      capacity: this.settings.prefetch,
      buffered: this.bufferedItems,
      requested: this.requested,
      upstreamRequested: this.outerOutstanding,
      received: this.receivedItems,
      emitted: this.emittedItems,
      dropped: this.droppedItems,
      terminated: this.terminated,
      cancelled: this.cancelled && !this.terminated,
    };
  }
}
