import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { reportError, reportLateError } from './report';

/**
 * The subscriber-side twin of the boundary adapter (`adaptPublisher`): wraps a Subscriber that sluice did not build,
 * where it subscribes to a chain of stages, so that a method that throws cancels the whole chain above it.
 *
 * §2.13 lets a publisher treat a subscriber that throws as cancelled. Without this boundary only the nearest drain loop
 * (usually the source) learned of the throw, by catching it: the pass-through stages in between (`finalize`, `using`,
 * `tap`, …) are publishers too, but never saw a cancel, so a resource stayed open and a finalizer never ran. Here the
 * throw is caught where it happens and turned into `cancel()` on the subscription the subscriber holds, which travels
 * up through every stage; then the error is reported (it is a bug in the subscriber, never swallowed).
 */
export class SubscriberBoundary<T> implements Subscriber<T> {
  private subscriber: Subscriber<T> | null;
  private subscription: Subscription | null = null;
  /** The subscriber threw, so the boundary cancelled the chain for it (§2.13): a later error is dropped. */
  private cancelledForThrow = false;

  constructor(subscriber: Subscriber<T>) {
    this.subscriber = subscriber;
  }

  onSubscribe(subscription: Subscription): void {
    const subscriber = this.subscriber;
    if (subscriber === null) return;
    this.subscription = subscription;
    try {
      subscriber.onSubscribe(subscription);
    } catch (error) {
      this.threw(error);
    }
  }

  onNext(value: T): void {
    const subscriber = this.subscriber;
    if (subscriber === null) return; // §2.8 in flight after the subscriber counted as cancelled
    try {
      subscriber.onNext(value);
    } catch (error) {
      this.threw(error);
    }
  }

  onError(error: Error): void {
    const subscriber = this.subscriber;
    // after the boundary cancelled for a throw nobody listens: dropped (ADR 0012); after the upstream's own terminal
    // signal, §1.7: reported, never swallowed
    if (subscriber === null) return reportLateError(error, this.cancelledForThrow);
    this.release();
    try {
      subscriber.onError(error);
    } catch (thrown) {
      reportError(thrown); // §2.13 the stream is over; nothing left to cancel
    }
  }

  onComplete(): void {
    const subscriber = this.subscriber;
    if (subscriber === null) return;
    this.release();
    try {
      subscriber.onComplete();
    } catch (thrown) {
      reportError(thrown); // §2.13
    }
  }

  /** §2.13 the subscriber threw: it counts as cancelled, so the cancel travels up the chain; then report. */
  private threw(error: unknown): void {
    const subscription = this.subscription;
    this.release();
    this.cancelledForThrow = true;
    if (subscription !== null) {
      try {
        subscription.cancel();
      } catch (thrown) {
        reportError(thrown); // §3.15 a sluice cancel never throws; a last resort
      }
    }
    reportError(error);
  }

  private release(): void {
    this.subscriber = null; // §3.13
    this.subscription = null;
  }
}
