import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { addDemand, isValidRequest } from './demand';
import { invalidRequestError } from './errors';
import type { Inspectable, StageSnapshot } from './inspect';

/** What a MulticastInner reports to (the MulticastHub): a request or a cancel changed what may be emitted. */
export interface MulticastParent extends Inspectable {
  readonly stage: string;
  drain(): void;
}

/**
 * One subscriber of a multicast: its own demand and a cursor (the absolute index of the next item it receives)
 * into the hub's shared buffer. All signals to `downstream` are sent by the hub's drain loop (§1.3).
 */
export class MulticastInner<T> implements Subscription, Inspectable {
  downstream: Subscriber<T> | null;
  private parent: MulticastParent | null;
  /** Outstanding demand; `Infinity` when unbounded. */
  requested = 0;
  /** Absolute index of the next item this subscriber receives. */
  cursor = 0;
  /** True once the subscriber cancelled or received its terminal signal (§1.6). */
  closed = false;
  /** True when `closed` came from the subscriber's own cancel (or a §3.9 request), not a terminal signal. */
  cancelledBySubscriber = false;
  invalidRequest: RangeError | null = null;

  private readonly stage: string;

  constructor(downstream: Subscriber<T>, parent: MulticastParent) {
    this.downstream = downstream;
    this.parent = parent;
    this.stage = parent.stage;
  }

  request(n: number): void {
    if (this.closed) return; // §3.6 no-op after cancel
    if (isValidRequest(n)) this.requested = addDemand(this.requested, n); // §3.17 saturates at unbounded
    else if (this.invalidRequest === null) this.invalidRequest = invalidRequestError(n); // §3.9 signalled by the hub
    this.parent?.drain();
  }

  cancel(): void {
    if (this.closed) return; // §3.7 idempotent
    this.close(true);
    this.parent?.drain(); // the hub releases this subscriber's hold on the buffer
  }

  /** Ends the subscription and returns the subscriber, released from this object (§3.13). */
  close(bySubscriber: boolean): Subscriber<T> | null {
    const downstream = this.downstream;
    this.closed = true;
    this.cancelledBySubscriber = bySubscriber;
    this.downstream = null; // §3.13
    return downstream;
  }

  /** The multicast stage's snapshot (shared by all its subscribers); after this subscriber left, an empty one. */
  inspect(): StageSnapshot {
    const parent = this.parent;
    if (parent !== null) return parent.inspect();
    return {
      stage: this.stage, capacity: 0, buffered: 0, requested: 0, upstreamRequested: 0, received: 0, emitted: 0,
      dropped: 0, terminated: !this.cancelledBySubscriber, cancelled: this.cancelledBySubscriber, subscribers: [],
    };
  }

  /** The object `inspect()` describes (the hub while attached), so a metrics registry counts a shared buffer once. */
  inspectSource(): object {
    return this.parent ?? this;
  }

  /** Drops the link to the hub once it removed this inner, so a kept Subscription holds nothing. */
  detach(): void {
    this.parent = null;
  }
}
