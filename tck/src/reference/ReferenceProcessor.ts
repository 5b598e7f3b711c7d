import type { Processor, Subscriber, Subscription } from '../spec';
import { reportLater } from './ReferencePublisher';

/**
 * A tiny, correct, multicast identity Processor: every element from upstream goes, unchanged, to every current
 * subscriber. Each subscriber has its own bounded queue (at most `bufferSize` elements); the processor requests one
 * element upstream at a time, and only while some subscriber has demand beyond its queue and no queue is full, so
 * nothing ever buffers without bound. Errors bypass the queues (§4.2: pass them on immediately); completion waits
 * until a subscriber's queue is drained.
 */
export class ReferenceProcessor<T> implements Processor<T, T> {
  private upstream: Subscription | null = null;
  private upstreamDone = false;
  private upstreamCancelled = false;
  /** An upstream request(1) is outstanding. */
  private awaitingElement = false;
  private readonly downstreams: DownstreamSubscription<T>[] = [];
  /** The terminal signal, remembered for late subscribers (§1.9 still: onSubscribe first). */
  private terminal: { error: Error | null } | null = null;

  constructor(private readonly bufferSize = 16) {}

  // ---- Subscriber side ----------------------------------------------------------------------------------------

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw new TypeError('§2.13: onSubscribe requires a Subscription, got ' + String(subscription));
    if (this.upstream !== null || this.upstreamDone || this.upstreamCancelled) {
      subscription.cancel(); // §2.5: one upstream only
      return;
    }
    this.upstream = subscription;
    this.requestUpstreamIfNeeded();
  }

  onNext(element: T): void {
    if (element == null) throw new TypeError('§2.13: onNext requires an element, got ' + String(element));
    if (this.upstreamDone) return; // §2.8: may still arrive after we cancelled
    this.awaitingElement = false;
    for (const d of this.downstreams.slice()) d.offer(element);
    this.requestUpstreamIfNeeded();
  }

  onError(error: Error): void {
    if (error == null) throw new TypeError('§2.13: onError requires an error, got ' + String(error));
    this.finish({ error }); // §2.3: nothing is called upstream from here
  }

  onComplete(): void {
    this.finish({ error: null });
  }

  // ---- Publisher side -------------------------------------------------------------------------------------------

  subscribe(subscriber: Subscriber<T>): void {
    if (subscriber == null) throw new TypeError('§1.9: subscribe requires a Subscriber, got ' + String(subscriber));
    const downstream = new DownstreamSubscription<T>(this, subscriber, this.bufferSize);
    this.downstreams.push(downstream);
    try {
      subscriber.onSubscribe(downstream); // §1.9: first signal
    } catch (error) {
      downstream.cancel();
      reportLater(error);
      return;
    }
    if (this.terminal !== null) downstream.terminate(this.terminal.error);
  }

  // ---- coordination ---------------------------------------------------------------------------------------------

  /** @internal Called by a downstream when its demand or membership changed. */
  requestUpstreamIfNeeded(): void {
    const upstream = this.upstream;
    if (upstream === null || this.upstreamDone || this.awaitingElement) return;
    const someoneWants = this.downstreams.some((d) => d.wantsMore());
    const someoneFull = this.downstreams.some((d) => d.queued() >= this.bufferSize);
    if (someoneWants && !someoneFull) {
      this.awaitingElement = true;
      upstream.request(1);
    }
  }

  /** @internal A downstream cancelled: forget it (§3.13); with nobody left, cancel upstream (§3.14 allows it). */
  remove(downstream: DownstreamSubscription<T>): void {
    const index = this.downstreams.indexOf(downstream);
    if (index >= 0) this.downstreams.splice(index, 1);
    if (this.downstreams.length === 0 && this.upstream !== null && !this.upstreamDone) {
      this.upstreamCancelled = true;
      this.upstreamDone = true;
      const upstream = this.upstream;
      this.upstream = null;
      upstream.cancel();
      return;
    }
    this.requestUpstreamIfNeeded();
  }

  private finish(terminal: { error: Error | null }): void {
    if (this.terminal !== null) return;
    this.terminal = terminal;
    this.upstreamDone = true;
    this.upstream = null;
    for (const d of this.downstreams.slice()) d.terminate(terminal.error);
  }
}

/** One downstream subscriber's subscription: its demand, its bounded queue and its serial drain loop. */
class DownstreamSubscription<T> implements Subscription {
  private subscriber: Subscriber<T> | null;
  private readonly queue: T[] = [];
  private requested = 0;
  private emitting = false;
  private terminal: { error: Error | null } | null = null;

  constructor(
    private readonly parent: ReferenceProcessor<T>,
    subscriber: Subscriber<T>,
    private readonly capacity: number,
  ) {
    this.subscriber = subscriber;
  }

  request(n: number): void {
    if (this.subscriber === null) return; // §3.6
    if (typeof n !== 'number' || !(n > 0) || (!Number.isInteger(n) && n !== Infinity)) {
      // §3.9: cancel, then signal the RangeError (never throw, §3.16)
      const subscriber = this.subscriber;
      this.release();
      subscriber.onError(new RangeError(`§3.9: non-positive subscription request: request(${String(n)})`));
      return;
    }
    const sum = this.requested + n;
    this.requested = sum >= Number.MAX_SAFE_INTEGER ? Infinity : sum; // §3.17
    this.drain();
    this.parent.requestUpstreamIfNeeded();
  }

  cancel(): void {
    if (this.subscriber === null) return; // §3.7
    this.release();
  }

  wantsMore(): boolean {
    return this.subscriber !== null && this.requested > this.queue.length;
  }

  queued(): number {
    return this.subscriber === null ? 0 : this.queue.length;
  }

  offer(element: T): void {
    if (this.subscriber === null) return;
    if (this.queue.length >= this.capacity) return; // cannot happen: the parent never requests while a queue is full
    this.queue.push(element);
    this.drain();
  }

  terminate(error: Error | null): void {
    if (this.subscriber === null || this.terminal !== null) return;
    this.terminal = { error };
    if (error !== null) this.queue.length = 0; // §4.2: an error is passed on at once, ahead of queued elements
    this.drain();
  }

  private drain(): void {
    if (this.emitting) return; // §1.3 / §3.3: one loop at a time; re-entrant requests only add demand
    this.emitting = true;
    try {
      for (;;) {
        const subscriber = this.subscriber;
        if (subscriber === null) return;
        if (this.queue.length > 0 && this.requested > 0) {
          if (this.requested !== Infinity) this.requested--;
          subscriber.onNext(this.queue.shift()!); // bounded by capacity, so shift() stays cheap
          continue;
        }
        if (this.terminal !== null && this.queue.length === 0) {
          this.release();
          if (this.terminal.error !== null) subscriber.onError(this.terminal.error);
          else subscriber.onComplete();
        }
        return;
      }
    } catch (error) {
      this.release(); // §2.13: the subscriber threw: it is cancelled, the error reported out of band
      reportLater(error);
    } finally {
      this.emitting = false;
    }
  }

  private release(): void {
    this.subscriber = null; // §3.13
    this.queue.length = 0;
    this.parent.remove(this);
  }
}
