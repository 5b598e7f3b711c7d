import { flowOf, type Flow } from '../Flow';
import { UNBOUNDED } from '../internal/demand';
import { FanInStage } from '../internal/FanInStage';
import { InnerSubscriber } from '../internal/InnerSubscriber';
import { toFlow } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

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

class ForkJoin extends FanInStage<unknown, JoinSubscriber> {
  private values: unknown[];
  private remaining: number;

  constructor(downstream: Subscriber<unknown>, count: number, private readonly keys: string[] | null) {
    super(downstream);
    this.values = new Array(count).fill(undefined);
    this.remaining = count;
    this.inners = Array.from({ length: count }, (_, i) => new JoinSubscriber(this, i));
  }

  value(index: number, value: unknown): void {
    this.receivedItems++;
    this.values[index] = value;
  }

  /** Input `index` completed: nothing to join if it had no item, else one fewer to wait for. */
  joined(index: number): void {
    if (this.values[index] === undefined) return this.stop(null);
    this.remaining--;
    this.drain();
  }

  protected emitSome(downstream: Subscriber<unknown>): void {
    if (this.terminateIfStopped()) return;
    if (this.remaining > 0 || this.requested === 0) return;
    const values = this.values;
    this.values = [];
    let result: unknown = values;
    if (this.keys !== null) {
      const record: Record<string, unknown> = {};
      this.keys.forEach((key, i) => (record[key] = values[i]));
      result = record;
    }
    this.requested--;
    this.emittedItems++;
    downstream.onNext(result);
    if (!this.cancelled) this.complete();
  }

  protected override dispose(): void {
    super.dispose();
    this.values = []; // §3.13
  }
}

class JoinSubscriber extends InnerSubscriber<unknown, ForkJoin> {
  constructor(owner: ForkJoin, private readonly index: number) {
    super(owner);
  }

  protected onStart(): void {
    this.requestUpstream(UNBOUNDED); // read to the end, keeping only the last item
  }

  protected accept(owner: ForkJoin, value: unknown): void {
    owner.value(this.index, value);
  }

  protected ended(owner: ForkJoin, error: Error | null): void {
    if (error !== null) owner.stop(error);
    else owner.joined(this.index);
  }
}
