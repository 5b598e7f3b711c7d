import { RingBuffer, toFlow, type Publisher, type Subscriber, type Subscription } from '@sluice/core';
import { MAX_31 } from '../frame/constants';
import type { Payload } from '../Payload';
import type { RSocketConnection } from './RSocketConnection';
import type { StreamHandler } from './types';

/**
 * Drives one local Publisher onto the wire as PAYLOAD frames: the responder's handler result, or a channel
 * requester's outbound. Two demand loops are joined here (peers.md §5.1): the peer's credit (REQUEST_N) and the
 * transport's writability.
 *
 * - The publisher is asked only for what the peer granted, at most `prefetch` at a time, and only while the transport
 *   is writable; it is re-asked once `prefetch`'s low tide (25%) is reached or the remaining credit is smaller.
 * - A frame is written only while the transport is writable. Items the publisher delivers while it is not (they were
 *   requested before) wait in `queue`, a RingBuffer whose bound is `prefetch`: the publisher can never have more
 *   outstanding than that, so the queue cannot overflow.
 * - The terminal signal (PAYLOAD with C, or the owner's ERROR) follows the last queued item; completion costs no credit.
 */
export class OutboundSender implements Subscriber<Payload> {
  private readonly connection: RSocketConnection;
  private readonly owner: StreamHandler;
  private readonly prefetch: number;
  private readonly lowTide: number;
  /** Peer credit not yet used; MAX_31 is unbounded and is never counted down. */
  credit: number;
  /** Requested from the publisher, not yet received. */
  outstanding = 0;
  private queue: RingBuffer<Payload>;
  private upstream: Subscription | null = null;
  private done = false;
  private error: unknown = null;
  private finished = false;
  private wip = 0;
  /** Response mode: one item, sent as PAYLOAD(N|C), then the publisher is cancelled. */
  private readonly single: boolean;
  private readonly onFinish: (error: unknown) => void;

  constructor(
    connection: RSocketConnection, owner: StreamHandler, publisher: Publisher<Payload>, initialCredit: number,
    prefetch: number, single: boolean, onFinish: (error: unknown) => void,
  ) {
    this.connection = connection;
    this.owner = owner;
    this.prefetch = single ? 1 : prefetch;
    this.lowTide = single ? 1 : this.prefetch - (this.prefetch >> 2);
    this.credit = initialCredit;
    this.queue = new RingBuffer<Payload>(this.prefetch);
    this.single = single;
    this.onFinish = onFinish;
    toFlow(publisher).subscribe(this);
  }

  get buffered(): number {
    return this.queue.size;
  }

  /** REQUEST_N from the peer: credits accumulate, capped at 2^31−1, which means unbounded. */
  addCredit(n: number): void {
    if (this.finished) return;
    this.credit = this.credit + n >= MAX_31 ? MAX_31 : this.credit + n;
    this.drain();
  }

  onSubscribe(subscription: Subscription): void {
    if (this.upstream !== null || this.finished) {
      subscription.cancel(); // §2.5 a second subscription is cancelled
      return;
    }
    this.upstream = subscription;
    this.drain();
  }

  onNext(item: Payload): void {
    if (this.finished) return; // §2.8 in flight after cancel
    this.outstanding--;
    this.queue.offer(item); // cannot be full: outstanding + queued never exceeds prefetch (the boundary adapter enforces §1.1)
    if (this.single) this.done = true;
    this.drain();
  }

  onError(error: Error): void {
    if (this.finished) return;
    this.done = true;
    this.error = error;
    this.drain();
  }

  onComplete(): void {
    if (this.finished) return;
    this.done = true;
    this.drain();
  }

  /** The transport is writable again. */
  resume(): void {
    this.drain();
  }

  /** Stops: cancels the publisher (peer CANCEL, stream ERROR, connection close) and releases it (§3.13). */
  cancel(): void {
    if (this.finished) return;
    this.finished = true;
    const upstream = this.upstream;
    this.upstream = null;
    this.queue.clear();
    upstream?.cancel();
  }

  private drain(): void {
    if (this.wip++ !== 0) return;
    let missed = 1;
    for (;;) {
      this.emitSome();
      missed = this.wip -= missed;
      if (missed === 0) return;
    }
  }

  private emitSome(): void {
    if (this.finished) return;
    const connection = this.connection;
    const queue = this.queue;
    while (!queue.isEmpty && this.credit > 0) {
      if (!connection.writable) {
        connection.awaitWritable(this.owner);
        return;
      }
      const item = queue.poll()!;
      if (this.credit !== MAX_31) this.credit--;
      const last = this.single || (this.done && queue.isEmpty && this.error === null);
      if (last) {
        this.finish(null, item);
        return;
      }
      connection.sendPayload(this.owner, item, false);
      if (this.finished) return; // the write closed the connection
    }
    if (this.done && (queue.isEmpty || (this.error !== null && this.credit === 0))) {
      // an error does not wait for credit that may never come: the queued items are dropped (the stream failed)
      this.finish(this.error, null);
      return;
    }
    const upstream = this.upstream;
    if (upstream === null || this.done) return;
    const creditLeft = this.credit === MAX_31 ? Infinity : this.credit - this.outstanding - queue.size;
    const room = this.prefetch - this.outstanding - queue.size;
    const want = Math.min(creditLeft, room);
    if (want <= 0) return;
    if (!connection.writable) {
      connection.awaitWritable(this.owner); // no new demand while the transport is above its bound
      return;
    }
    if (want >= this.lowTide || want === creditLeft) {
      this.outstanding += want;
      upstream.request(want);
    }
  }

  private finish(error: unknown, last: Payload | null): void {
    this.finished = true;
    const upstream = this.upstream;
    this.upstream = null;
    if (this.single && upstream !== null && last !== null) upstream.cancel(); // one response is all we send
    this.queue.clear();
    // completion is PAYLOAD(C), with the last item when there is one (N|C); an error is the owner's ERROR frame
    if (error === null) this.connection.sendPayload(this.owner, last, true);
    this.onFinish(error);
  }
}
