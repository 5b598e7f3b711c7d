import { Flow } from '../Flow';
import { isValidRequest } from '../internal/demand';
import { invalidRequestError, nullArgumentError, toError } from '../internal/errors';
import { toFlow } from '../internal/lift';
import { reportDroppedError, reportError, reportLateError } from '../internal/report';
import { SubscriptionArbiter } from '../internal/SubscriptionArbiter';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';

/**
 * A source bound to a resource: for each subscriber, creates a resource with `resourceFactory()`, emits what
 * `flowFactory(resource)` emits, and disposes of the resource exactly once when that subscription ends.
 *
 * ```
 * resourceFactory:   R
 * flowFactory(R):    -a-b-|
 * using(…):          -a-b-(dispose R)|      (also on error, on cancel, and if flowFactory throws)
 * ```
 *
 * The resource is disposed eagerly, **before** the terminal signal is delivered, so a consumer that sees
 * `onComplete`/`onError` knows the resource is released.
 *
 * **Demand**: requests are validated here and passed to the inner flow; requests made before it subscribed are
 * kept and forwarded exactly (SubscriptionArbiter).
 * **Errors**: if `resourceFactory` throws, that error is signalled (nothing to dispose). If `flowFactory` throws or
 * returns something that is not a Publisher, the resource is disposed and the error signalled. If `dispose` throws
 * on completion, that error is signalled instead of `onComplete`; on an error or a cancel it goes to `reportError`
 * (the original error wins; nothing is swallowed). An invalid `request(n)` cancels the inner flow, disposes the
 * resource and signals `onError(RangeError)` (§3.9).
 * **Cancellation**: cancels the inner flow, then disposes the resource; a cancel from inside `onSubscribe` means
 * the resource is never created. The resource, the flow and the callbacks are released afterwards (§3.13).
 *
 * @example
 * using(() => openFile(path), (file) => linesOf(file), (file) => file.close());
 */
export function using<T, R>(
  resourceFactory: () => R, flowFactory: (resource: R) => Publisher<T>, dispose: (resource: R) => void,
): Flow<T> {
  if (typeof resourceFactory !== 'function') throw new TypeError(`using: resourceFactory must be a function, got ${typeof resourceFactory}`);
  if (typeof flowFactory !== 'function') throw new TypeError(`using: flowFactory must be a function, got ${typeof flowFactory}`);
  if (typeof dispose !== 'function') throw new TypeError(`using: dispose must be a function, got ${typeof dispose}`);
  return new Flow<T>((downstream: Subscriber<T>) => {
    const subscriber = new UsingSubscriber<T, R>(downstream, dispose);
    downstream.onSubscribe(subscriber); // §1.9 first, so even a throwing factory is reported through onError
    subscriber.start(resourceFactory, flowFactory);
  });
}

class UsingSubscriber<T, R> implements Subscriber<T>, Subscription {
  private downstream: Subscriber<T> | null;
  private disposer: ((resource: R) => void) | null;
  private resource: { value: R } | null = null;
  private readonly arbiter = new SubscriptionArbiter();
  private subscribed = false;
  private done = false;
  /** This stage cancelled the inner flow (`cancel`, §3.9): a late error is dropped, not reported (ADR 0012). */
  private cancelledLive = false;

  constructor(downstream: Subscriber<T>, dispose: (resource: R) => void) {
    this.downstream = downstream;
    this.disposer = dispose;
  }

  start(resourceFactory: () => R, flowFactory: (resource: R) => Publisher<T>): void {
    if (this.done) return; // cancelled (or failed) from inside onSubscribe: no resource is created
    try {
      this.resource = { value: resourceFactory() };
    } catch (thrown) {
      this.disposer = null; // nothing to dispose
      return this.terminate()?.onError(toError(thrown));
    }
    let flow: Flow<T>;
    try {
      const result = flowFactory(this.resource.value);
      if (result == null || typeof (result as Publisher<T>).subscribe !== 'function') {
        throw new TypeError(`using: flowFactory returned ${String(result)}, which is not a Publisher`);
      }
      flow = toFlow(result);
    } catch (thrown) {
      return this.failAndDispose(toError(thrown));
    }
    if (this.done) return;
    flow.subscribe(this);
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.subscribed || this.done) {
      subscription.cancel(); // §2.5
      return;
    }
    this.subscribed = true;
    this.arbiter.setSubscription(subscription);
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return; // §2.8
    this.arbiter.produced(1);
    this.downstream!.onNext(value);
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.done) {
      reportLateError(error, this.cancelledLive); // after our cancel dropped, else §1.7 reported
      return;
    }
    this.failAndDispose(error);
  }

  onComplete(): void {
    if (this.done) return; // §1.7
    const downstream = this.terminate();
    const disposeError = this.disposeResource();
    if (disposeError === null) downstream?.onComplete();
    else downstream?.onError(disposeError);
  }

  request(n: number): void {
    if (this.done) return; // §3.6
    if (!isValidRequest(n)) {
      this.cancelledLive = true;
      this.arbiter.cancel(); // §3.9 cancel, then signal
      return this.failAndDispose(invalidRequestError(n));
    }
    this.arbiter.request(n);
  }

  cancel(): void {
    if (this.done) return; // §3.7
    this.cancelledLive = true;
    this.arbiter.cancel();
    this.terminate();
    const disposeError = this.disposeResource();
    if (disposeError !== null) reportDroppedError(disposeError); // after cancel nobody listens: dropped, never thrown
  }

  private failAndDispose(error: Error): void {
    const downstream = this.terminate();
    const disposeError = this.disposeResource();
    if (disposeError !== null) reportError(disposeError); // the original error wins
    downstream?.onError(error);
  }

  /** Disposes the resource at most once; returns what `dispose` threw, or null. */
  private disposeResource(): Error | null {
    const disposer = this.disposer;
    const resource = this.resource;
    this.disposer = null; // exactly once; §3.13
    this.resource = null;
    if (disposer === null || resource === null) return null;
    try {
      disposer(resource.value);
      return null;
    } catch (thrown) {
      return toError(thrown);
    }
  }

  private terminate(): Subscriber<T> | null {
    this.done = true;
    const downstream = this.downstream;
    this.downstream = null; // §3.13
    this.arbiter.clearSubscription();
    return downstream;
  }
}
