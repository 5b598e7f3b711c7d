import { flowOf, type Flow } from '../Flow';
import { UNBOUNDED } from '../internal/demand';
import { DrainSubscription } from '../internal/DrainSubscription';
import { nullArgumentError } from '../internal/errors';
import { toFlow } from '../internal/lift';
import { reportError } from '../internal/report';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';

/**
 * Waits for every publisher to complete and emits their last items together, once: an array for an array of
 * publishers (`forkJoin(a, b)` → `[lastA, lastB]`), an object for an object (`forkJoin({ a, b })` → `{ a, b }`).
 *
 * ```
 * a:        1 2 3 |
 * b:          x   y    |
 * forkJoin:            ([3,y]|)
 * ```
 *
 * **Demand**: every publisher is read to its end (one unbounded request each) and only its last item is kept, so
 * memory is one item per publisher. The result is emitted against downstream demand (held until requested).
 * **Errors**: the first error cancels the others and is signalled. A publisher that completes without any item
 * cancels the others and completes the result empty (there is nothing to join). **Cancellation**: cancels every
 * publisher and releases the kept items (§3.13). `forkJoin()` and `forkJoin({})` complete at once.
 *
 * @example
 * forkJoin({ user: getUser(id), orders: getOrders(id) }); // { user, orders } when both are done
 */
export function forkJoin<A extends unknown[]>(...publishers: { [K in keyof A]: Publisher<A[K]> }): Flow<A>;
export function forkJoin<R extends Record<string, unknown>>(publishers: { [K in keyof R]: Publisher<R[K]> }): Flow<R>;
export function forkJoin(...args: unknown[]): Flow<unknown> {
  const record = args.length === 1 && args[0] != null && typeof (args[0] as Publisher<unknown>).subscribe !== 'function' && typeof args[0] === 'object';
  const keys = record ? Object.keys(args[0] as object) : null;
  const inputs = (record ? Object.values(args[0] as object) : args) as unknown[];
  const flows = inputs.map((p, i) => {
    if (p == null || typeof (p as Publisher<unknown>).subscribe !== 'function') {
      throw new TypeError(`forkJoin: ${keys === null ? `argument ${i}` : `key '${keys[i]}'`} is not a Publisher`);
    }
    return toFlow(p as Publisher<unknown>);
  });
  return flowOf<unknown>((downstream) => {
    const join = new ForkJoin(downstream, flows.length, keys);
    downstream.onSubscribe(join);
    join.subscribeAll(flows);
  });
}

class ForkJoin extends DrainSubscription<unknown> {
  readonly inners: JoinSubscriber[] = [];
  private values: unknown[];
  private remaining: number;
  private error: Error | null = null;
  private empty = false;
  private subscribing = true;

  constructor(downstream: Subscriber<unknown>, count: number, private readonly keys: string[] | null) {
    super(downstream);
    this.values = new Array(count).fill(undefined);
    this.remaining = count;
    for (let i = 0; i < count; i++) this.inners.push(new JoinSubscriber(this, i));
  }

  /** Subscribes every input in order (stopping if the downstream cancelled meanwhile), then starts draining. */
  subscribeAll(flows: readonly Publisher<unknown>[]): void {
    for (let i = 0; i < flows.length && !this.cancelled; i++) flows[i]!.subscribe(this.inners[i]!);
    this.subscribing = false;
    this.drain();
  }

  value(index: number, value: unknown): void {
    this.values[index] = value;
  }

  done(index: number): void {
    if (this.values[index] === undefined) this.empty = true;
    this.remaining--;
    if (this.empty) this.cancelInners();
    this.drain();
  }

  failed(error: Error): void {
    if (this.error !== null || this.cancelled) return reportError(error); // §1.7
    this.error = error;
    this.cancelInners();
    this.drain();
  }

  protected emitSome(downstream: Subscriber<unknown>): void {
    if (this.error !== null) return this.fail(this.error);
    if (this.empty) return this.complete();
    if (this.subscribing || this.remaining > 0 || this.requested === 0) return;
    const values = this.values;
    this.values = [];
    let result: unknown = values;
    if (this.keys !== null) {
      const record: Record<string, unknown> = {};
      this.keys.forEach((key, i) => (record[key] = values[i]));
      result = record;
    }
    this.requested--;
    downstream.onNext(result);
    if (!this.cancelled) this.complete();
  }

  protected override dispose(): void {
    this.cancelInners();
    this.values = []; // §3.13
  }

  private cancelInners(): void {
    for (const inner of this.inners) inner.cancel();
  }
}

class JoinSubscriber implements Subscriber<unknown> {
  private owner: ForkJoin | null;
  private subscription: Subscription | null = null;

  constructor(owner: ForkJoin, private readonly index: number) {
    this.owner = owner;
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.owner === null || this.subscription !== null) return subscription.cancel(); // §2.5
    this.subscription = subscription;
    subscription.request(UNBOUNDED); // read to the end, keeping only the last item
  }

  onNext(value: unknown): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    this.owner?.value(this.index, value);
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    const owner = this.owner;
    this.release();
    if (owner === null) return reportError(error); // §1.7
    owner.failed(error);
  }

  onComplete(): void {
    const owner = this.owner;
    this.release();
    owner?.done(this.index);
  }

  cancel(): void {
    const subscription = this.subscription;
    this.release();
    subscription?.cancel();
  }

  private release(): void {
    this.owner = null; // §3.13
    this.subscription = null;
  }
}
