import type { Publisher } from '../spec/Publisher';
import { describeValue } from './demand';
import { overDeliveryError, toError, withCode } from './errors';
import { InnerSubscriber } from './InnerSubscriber';
import { toFlow } from './lift';
import { Prefetcher } from './Prefetcher';
import { promiseOf } from './PromiseFlow';
import { reportError } from './report';
import { RingBuffer } from './RingBuffer';

/** What a FlatMapInner reports to: the flattening engine (FlatMapSubscriber) or the single-inner engine (switchMap, exhaustMap). */
export interface InnerParent {
  readonly name: string;
  /** One item was queued by an inner (counts it as received and buffered). */
  countReceived(): void;
  /** An inner queued an item: run the drain loop. */
  innerSignalled(): void;
  /** An inner completed. */
  innerCompleted(): void;
  /** An inner failed or broke a rule: fail the stage eagerly. */
  stop(error: Error): void;
  /**
   * A job failed: the project function threw, or an inner signalled onError. The stage either fails (`stop`) or,
   * in mergeMap's `onJobError` mode, reports the failure and goes on (`inner` is null when the project threw).
   */
  jobFailed(error: Error, inner: FlatMapInner<unknown> | null, value: unknown, index: number): void;
}

/** A project function of a flattening stage; the signal aborts when the inner is cancelled before it finished. */
export type ProjectFunction<T, R> = (value: T, index: number, signal: AbortSignal) => Publisher<R>;

/**
 * Whether the project function declares the `signal` parameter. Aborting an AbortSignal costs tens of
 * microseconds in Node (it builds a DOMException and dispatches an event), so a controller is made only for
 * functions that can receive it (decision 0015).
 */
export function wantsSignal(project: (...args: never[]) => unknown): boolean {
  return project.length >= 3;
}

/**
 * Calls the project function of a flattening stage for one outer item: the inner publisher, or null after failing
 * the stage (`parent.stop`) because the function threw or returned something that is not a Publisher.
 */
export function projectInner<T, R>(
  parent: InnerParent,
  project: ProjectFunction<T, R>,
  value: T,
  index: number,
  signal?: AbortSignal,
): Publisher<R> | null {
  let inner: Publisher<R>;
  try {
    inner = project(value, index, signal as AbortSignal);
  } catch (thrown) {
    parent.jobFailed(toError(thrown), null, value, index);
    return null;
  }
  if (inner == null || typeof (inner as Publisher<R>).subscribe !== 'function') {
    parent.stop(withCode(new TypeError(`${parent.name}: the project function returned ${describeValue(inner)}, which is not a Publisher`), 'ERR_SLUICE_NOT_A_PUBLISHER'));
    return null;
  }
  return inner;
}

/**
 * The Subscriber of one inner publisher: a bounded queue, replenished by `limit` once 75% of it was emitted (the
 * engine's Prefetcher). The Subscriber rules (§2.5, §2.8, §2.13, §1.7) and the one state field are InnerSubscriber's;
 * this class writes only the first request, how an item is queued and how the end is told to the parent.
 * With `withSignal`, it owns the AbortController whose signal the project function received: aborted when the
 * inner is cancelled before it finished, released (never aborted) once it completed or failed.
 */
export class FlatMapInner<R> extends InnerSubscriber<R, InnerParent> {
  readonly queue: RingBuffer<R>;
  private readonly prefetcher: Prefetcher;
  prev: FlatMapInner<R> | null = null;
  next: FlatMapInner<R> | null = null;
  private controller: AbortController | null;
  /** The outer item and its index, for the job-failure report. */
  value: unknown = undefined;
  index = 0;

  constructor(parent: InnerParent, prefetch: number, withSignal = false) {
    super(parent);
    this.prefetcher = new Prefetcher(prefetch);
    this.queue = new RingBuffer<R>(prefetch);
    this.controller = withSignal ? new AbortController() : null;
  }

  get signal(): AbortSignal | undefined {
    return this.controller?.signal;
  }

  override get upstreamRequested(): number {
    return this.done ? 0 : this.prefetcher.outstanding;
  }

  protected onStart(): void {
    this.requestUpstream(this.prefetcher.start());
  }

  protected accept(parent: InnerParent, value: R): void {
    if (!this.queue.offer(value)) {
      this.cancel(); // a later error from this upstream is then one nobody listens to (dropped, ADR 0012)
      return parent.stop(overDeliveryError(`an inner of ${parent.name}`, 0)); // §1.1
    }
    this.prefetcher.arrived();
    parent.countReceived();
    parent.innerSignalled();
  }

  protected ended(parent: InnerParent, error: Error | null): void {
    this.controller = null; // the job ended by itself: nothing to abort
    const value = this.value;
    this.value = undefined;
    if (error === null) parent.innerCompleted();
    else parent.jobFailed(error, this as FlatMapInner<unknown>, value, this.index);
  }

  /** Starts taking `inner`'s items: a `from(promise)` directly (decision 0010), any other publisher by subscribing. */
  connect(inner: Publisher<R>): void {
    const promise = promiseOf<R>(inner);
    if (promise !== undefined) this.awaitPromise(promise);
    else toFlow(inner).subscribe(this);
  }

  /**
   * Takes a promise inner's outcome directly instead of subscribing to `from(promise)` (decision 0010), with the
   * same signals: the value (none for null/undefined), then completion; a rejection as the inner's error; nothing
   * once cancelled, where the outcome is ignored (as `from(promise)` ignores it after cancel). The inner has asked
   * for nothing upstream, so `consumedOne` and `cancel` find no subscription to talk to.
   */
  private awaitPromise(promise: PromiseLike<R | null | undefined>): void {
    Promise.resolve(promise).then(
      (value) => {
        if (this.done) return;
        try {
          if (value != null) this.onNext(value);
          this.onComplete(); // a no-op if the item's delivery cancelled this inner
        } catch (error) {
          reportError(error); // the stage's drain loop reports its own failures; this is a last resort
        }
      },
      (error: unknown) => {
        if (!this.done) this.onError(toError(error));
      },
    );
  }

  /** One queued item was emitted downstream: replenish in batches of `limit` (75% of prefetch). */
  consumedOne(): void {
    const n = this.prefetcher.consumedOne();
    if (n > 0) this.requestUpstream(n); // a no-op once the inner is over
  }

  /** The stage stops this inner: releases it (§3.13) and aborts the job's signal, if it has one. */
  override cancel(): void {
    const controller = this.controller;
    super.cancel();
    controller?.abort(); // the job was cut short: real work behind it (fetch, a query) stops too
  }

  protected override onCancel(): void {
    this.controller = null;
    this.value = undefined;
    this.queue.clear();
  }
}
