import type { Subscriber } from '../spec/Subscriber';
import { withCode } from './errors';
import { isValidRequest } from './demand';
import { DrainSubscription } from './DrainSubscription';
import { RingBuffer } from './RingBuffer';
import { TerminalSubscription } from './TerminalSubscription';

/** The stage that feeds a Subflow (groupBy, window) and hears from its one subscriber. */
export interface SubflowOwner<T> {
  /** The subscriber added valid demand `n` (§3.9 was already checked). */
  subflowRequested(subflow: Subflow<T>, n: number): void;
  /** One queued item was emitted to the subscriber. */
  subflowConsumed(subflow: Subflow<T>): void;
  /** The subscriber cancelled (or made an invalid request) before the subflow terminated; its queue is already cleared. */
  subflowCancelled(subflow: Subflow<T>, discarded: number): void;
}

/**
 * A unicast inner stream fed by an owning stage: the groups of groupBy and the windows of window. Items wait in a
 * bounded queue (the owner never pushes more than its capacity); the one subscriber drains it through a
 * DrainSubscription, so its `request`, reentrancy and §3.9 handling are the engine's. A second subscriber receives
 * `onSubscribe` then `onError` (§1.11: this publisher chooses to be unicast).
 */
export class Subflow<T> {
  readonly name: string;
  readonly queue: RingBuffer<T>;
  owner: SubflowOwner<T> | null;
  subscribed = false;
  /** Set by `finish`: no more items will be pushed. */
  done = false;
  error: Error | null = null;
  private subscription: SubflowSubscription<T> | null = null;

  constructor(name: string, capacity: number, owner: SubflowOwner<T>) {
    this.name = name;
    this.queue = new RingBuffer<T>(capacity);
    this.owner = owner;
  }

  subscribe(subscriber: Subscriber<T>): void {
    if (this.subscribed) {
      return TerminalSubscription.terminate(subscriber, withCode(new Error(`${this.name} allows only one subscriber (§1.11: it is unicast)`), 'ERR_SLUICE_SINGLE_SUBSCRIBER'));
    }
    this.subscribed = true;
    const subscription = new SubflowSubscription<T>(subscriber, this);
    this.subscription = subscription;
    subscriber.onSubscribe(subscription); // §1.9
    subscription.signal(); // items (or a terminal signal) may already wait
  }

  /** Queues one item; false when the queue is full (only a rule-breaking upstream gets there). */
  push(value: T): boolean {
    if (!this.queue.offer(value)) return false;
    this.subscription?.signal();
    return true;
  }

  /** No more items: the subscriber completes once the queue is emitted, or fails at once with `error`. */
  finish(error: Error | null): void {
    if (this.done) return;
    this.done = true;
    this.error = error;
    if (error !== null) this.queue.clear(); // eager: queued items are discarded with the error
    this.owner = null;
    this.subscription?.signal();
  }

  /** @internal called by the subscription once it is over. */
  detach(): void {
    this.subscription = null;
  }
}

class SubflowSubscription<T> extends DrainSubscription<T> {
  private subflow: Subflow<T> | null;
  private ended = false;

  constructor(downstream: Subscriber<T>, subflow: Subflow<T>) {
    super(downstream);
    this.subflow = subflow;
  }

  signal(): void {
    this.drain();
  }

  override request(n: number): void {
    super.request(n);
    const subflow = this.subflow;
    if (subflow !== null && !this.cancelled && isValidRequest(n)) subflow.owner?.subflowRequested(subflow, n);
  }

  protected emitSome(downstream: Subscriber<T>): void {
    const subflow = this.subflow!;
    const queue = subflow.queue;
    while (this.requested > 0 && !queue.isEmpty && subflow.error === null) {
      const value = queue.poll()!;
      this.requested--; // Infinity - 1 stays Infinity
      downstream.onNext(value);
      if (this.cancelled) return;
      subflow.owner?.subflowConsumed(subflow);
    }
    if (!subflow.done) return;
    if (subflow.error !== null) {
      this.ended = true;
      this.fail(subflow.error);
    } else if (queue.isEmpty) {
      this.ended = true;
      this.complete();
    }
  }

  protected override dispose(): void {
    const subflow = this.subflow;
    this.subflow = null; // §3.13
    if (subflow === null) return;
    subflow.detach();
    if (this.ended) return;
    const discarded = subflow.queue.size;
    subflow.queue.clear();
    const owner = subflow.owner;
    subflow.owner = null;
    subflow.done = true;
    owner?.subflowCancelled(subflow, discarded);
  }
}
