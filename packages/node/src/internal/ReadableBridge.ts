import { nullArgumentError } from '@sluice/core/engine';
import type { Readable } from 'node:stream';
import { reportDroppedError, reportError, type Subscriber, type Subscription } from '@sluice/core';

/**
 * The demand side shared by `toReadable` and the readable half of `toTransform`/`toDuplex`: a Subscriber that
 * pushes into a Node Readable and requests only what the Readable's buffer can take.
 *
 * - `pull()` is called from `_read`: Node asks for data because its buffer is below the high-water mark.
 * - In object mode it requests `highWaterMark - readableLength` (at least 1); in byte mode (item sizes unknown) one
 *   item at a time. After an accepted `push()` with no demand left it asks again at once; after a refused one
 *   (`push()` returned false) it waits for Node's next `_read`. The Readable therefore never holds more than its
 *   high-water mark plus one item beyond what Node itself would buffer.
 */
export class ReadableBridge<T> implements Subscriber<T> {
  private upstream: Subscription | null = null;
  private outstanding = 0;
  private wantsData = false;
  private done = false;
  /** The Readable was destroyed from outside and we cancelled upstream: a late upstream error is dropped. */
  private cancelled = false;
  pushed = 0;

  /** `onEnd` runs once when the flow terminates (not on cancel): the owner lets go of what only a live flow needs. */
  constructor(private readonly readable: Readable, private readonly onEnd: (() => void) | null = null) {}

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.upstream !== null || this.done) {
      subscription.cancel(); // §2.5
      return;
    }
    this.upstream = subscription;
    if (this.wantsData) this.pull();
  }

  /** Node wants data (from `_read`). */
  pull(): void {
    this.wantsData = true;
    if (this.upstream === null || this.outstanding > 0) return;
    const readable = this.readable;
    const n = readable.readableObjectMode ? Math.max(1, readable.readableHighWaterMark - readable.readableLength) : 1;
    this.outstanding += n;
    this.upstream.request(n);
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return; // §2.8
    this.outstanding--;
    this.pushed++;
    const accepted = this.readable.push(value);
    if (!accepted) this.wantsData = false; // Node calls _read again once the consumer made room
    else if (this.outstanding === 0 && !this.done) this.pull();
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.cancelled) return reportDroppedError(error); // after the Readable was destroyed nobody listens: dropped
    if (this.done) return reportError(error); // §1.7
    this.done = true;
    this.upstream = null;
    this.onEnd?.();
    this.readable.destroy(error);
  }

  onComplete(): void {
    if (this.done) return; // §1.7
    this.done = true;
    this.upstream = null;
    this.onEnd?.();
    this.readable.push(null);
  }

  /** The Readable was destroyed (by its consumer, by pipeline, by an abort): cancel upstream (§3.13 release). */
  cancel(): void {
    if (this.done) return;
    this.done = true;
    this.cancelled = true;
    const upstream = this.upstream;
    this.upstream = null;
    upstream?.cancel();
  }

  get requested(): number {
    return this.outstanding;
  }
}
