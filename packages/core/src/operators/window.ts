import { Flow, type Operator } from '../Flow';
import { addDemand, requirePositiveBound } from '../internal/demand';
import { DrainSubscription } from '../internal/DrainSubscription';
import { nullArgumentError, overDeliveryError, withCode } from '../internal/errors';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import { lift } from '../internal/lift';
import { reportDroppedError, reportLateError } from '../internal/report';
import { Subflow, type SubflowOwner } from '../internal/Subflow';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';

/**
 * Splits the items into consecutive windows of `count` items, each a unicast Flow; the last may be shorter.
 *
 * ```
 * source:     1 2 3 4 5 |
 * window(2):  [1 2|] [3 4|] [5|] |
 * ```
 *
 * **Demand**: a window is opened only when the downstream has requested one: the stage then requests the window's
 * first item, and the window is emitted when it arrives. After that, upstream demand follows the window's own
 * subscriber exactly (capped at the `count` items the window can hold), so no item waits without a request: the
 * stage holds at most the first item of the current window, plus whatever its subscriber requested and did not
 * consume yet (at most `count`). The next window opens once the current one has its `count` items. **An unread
 * window never stalls the stream**: when the downstream asks for the next window while the current one, already
 * emitted, has no subscriber (it waits in `observeOn`'s or `for await`'s queue, is subscribed a tick later, or never),
 * the stage fills it to its `count` items (its bound) so it closes and the next one can open; a late subscriber finds
 * them all. If a window's subscriber cancels, the rest of that window is requested and discarded (counted as
 * `dropped` in `inspect()`) and the next window follows. Windows are named in messages by number ("window 3 of
 * window(2)"). A window accepts one subscriber; a second receives `onError`. **Errors**: an upstream error goes to the current window and to the downstream.
 * **Completion**: completes the current window, then the downstream. No empty window is ever emitted.
 * **Cancellation**: cancelling the downstream cancels the upstream once the current window no longer has a live
 * subscriber; a window emitted but not yet subscribed is then failed, so a late subscriber is told instead of
 * waiting forever.
 *
 * @example
 * range(1, 5).pipe(window(2), concatMap((w) => w.pipe(reduce((a, b) => a + b, 0)))); // 3, 7, 5
 */
export function window<T>(count: number): Operator<T, Flow<T>> {
  const size = requirePositiveBound('window: count', count);
  return (source: Publisher<T>): Flow<Flow<T>> =>
    lift(source, (downstream: Subscriber<Flow<T>>) => new WindowSubscriber<T>(downstream, size));
}

class WindowSubscriber<T> extends DrainSubscription<Flow<T>> implements Subscriber<T>, SubflowOwner<T>, Inspectable {
  private upstream: Subscription | null = null;
  private readonly count: number;
  private current: Subflow<T> | null = null;
  /** The window made and waiting to be emitted (it is requested only with demand, so it waits for the loop only). */
  private pending: Flow<T> | null = null;
  /** The first item of a new window was requested and has not arrived. */
  private opening = false;
  /** Items of the current window requested upstream (including its first) and received. */
  private windowRequested = 0;
  private windowReceived = 0;
  /** Total demand of the current window's subscriber. */
  private windowDemand = 0;
  /** The current window's subscriber cancelled: its remaining items are discarded. */
  private discarding = false;
  private upstreamDone = false;
  /** This stage cancelled the upstream (the downstream left, an over-delivery): its late errors are dropped. */
  private upstreamCancelled = false;
  private error: Error | null = null;
  private upstreamOutstanding = 0;
  /** Windows opened so far: the number in each window's name ("window 3 of window(2)"). */
  private opened = 0;

  constructor(downstream: Subscriber<Flow<T>>, count: number) {
    super(downstream);
    this.count = count;
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.upstream !== null || this.upstreamDone) {
      subscription.cancel(); // §2.5
      return;
    }
    this.upstream = subscription;
    this.downstream!.onSubscribe(this);
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.upstreamDone) return; // §2.8
    if (this.upstreamOutstanding === 0) return this.stop(overDeliveryError('window', 0)); // §1.1
    this.upstreamOutstanding--;
    this.receivedItems++;
    let window = this.current;
    if (window === null) {
      this.opening = false;
      window = this.current = new Subflow<T>(`window ${++this.opened} of window(${this.count})`, this.count, this);
      this.windowRequested = 1;
      this.windowReceived = 0;
      this.windowDemand = 0;
      this.discarding = false;
      this.pending = new Flow<T>((subscriber) => window!.subscribe(subscriber));
    }
    this.windowReceived++;
    if (this.discarding) this.droppedItems++;
    else window.push(value); // never full: at most count items are requested for it
    if (this.windowReceived === this.count) this.closeWindow();
    this.drain();
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.upstreamDone) return reportLateError(error, this.upstreamCancelled); // dropped after our cancel (ADR 0012), else §1.7
    this.upstream = null;
    this.stop(error);
  }

  onComplete(): void {
    if (this.upstreamDone) return; // §1.7
    this.upstreamDone = true;
    this.upstream = null;
    this.closeWindow();
    this.drain();
  }

  private stop(error: Error): void {
    this.upstreamDone = true;
    const upstream = this.upstream;
    this.upstream = null;
    if (upstream !== null) this.upstreamCancelled = true;
    upstream?.cancel();
    const window = this.current;
    this.current = null;
    window?.finish(error);
    if (this.cancelled) {
      if (window === null) reportDroppedError(error); // the downstream cancelled and no window listens: dropped (ADR 0012)
      return;
    }
    this.error = error;
    this.drain();
  }

  private closeWindow(): void {
    const window = this.current;
    this.current = null;
    window?.finish(null);
    if (this.cancelled) this.cancelUpstream(); // the downstream is gone and so is the last live window
  }

  subflowRequested(window: Subflow<T>, n: number): void {
    if (window !== this.current || this.discarding) return;
    this.windowDemand = addDemand(this.windowDemand, n); // §3.17
    this.requestForWindow(Math.min(this.count, this.windowDemand));
  }

  subflowConsumed(): void {}

  subflowCancelled(window: Subflow<T>, discarded: number): void {
    this.droppedItems += discarded;
    if (window !== this.current) return;
    if (this.cancelled) return this.cancelUpstream();
    this.discarding = true; // skip the rest of this window so the next one starts where it should
    this.requestForWindow(this.count);
  }

  private requestForWindow(total: number): void {
    const more = total - this.windowRequested;
    const upstream = this.upstream;
    if (more <= 0 || upstream === null) return;
    this.windowRequested = total;
    this.upstreamOutstanding += more;
    upstream.request(more);
  }

  protected emitSome(downstream: Subscriber<Flow<T>>): void {
    if (this.error !== null) return this.end(this.error);
    const pending = this.pending;
    if (pending !== null && this.requested > 0) {
      this.pending = null;
      this.requested--;
      this.emittedItems++;
      downstream.onNext(pending);
      if (this.cancelled) return;
    }
    if (this.pending !== null) return;
    if (this.upstreamDone) return this.end(null);
    const current = this.current;
    if (current !== null && !current.subscribed && !this.discarding && this.requested > 0) {
      // The downstream wants the next window, which opens only once this one has its count items, and nobody reads
      // this one yet (it waits in a queue, a subscribe comes a tick later, or never): fill it to its bound, so the
      // stream never stalls on an unread window (issue 13 item 13; decision 0016).
      this.requestForWindow(this.count);
      return;
    }
    const upstream = this.upstream;
    if (this.current === null && !this.opening && this.requested > 0 && upstream !== null) {
      this.opening = true; // §3.3 a synchronous upstream delivers inside this call; onNext only queues and marks
      this.upstreamOutstanding++;
      upstream.request(1);
    }
  }

  private end(error: Error | null): void {
    if (error === null) this.complete();
    else this.fail(error);
  }

  private cancelUpstream(): void {
    const upstream = this.upstream;
    this.upstream = null;
    this.upstreamDone = true;
    if (upstream !== null) this.upstreamCancelled = true;
    upstream?.cancel();
  }

  protected override dispose(): void {
    if (this.terminated) return;
    // The downstream cancelled. A window with a live subscriber keeps the upstream until it has its items.
    const window = this.current;
    this.pending = null;
    if (window !== null && window.subscribed && !this.discarding) return;
    this.current = null;
    window?.finish(withCode(new Error(`window: the downstream cancelled before ${window.name} was subscribed`), 'ERR_SLUICE_ABANDONED'));
    this.cancelUpstream();
  }

  inspect(): StageSnapshot {
    return {
      stage: 'window',
      capacity: this.count,
      buffered: this.current?.queue.size ?? 0,
      requested: this.requested,
      upstreamRequested: this.upstreamOutstanding,
      received: this.receivedItems,
      emitted: this.emittedItems,
      dropped: this.droppedItems,
      terminated: this.terminated,
      cancelled: this.cancelled && !this.terminated,
    };
  }
}
