import type { Flow, Operator } from '../Flow';
import { UNBOUNDED } from '../internal/demand';
import { nullArgumentError } from '../internal/errors';
import type { EarlyEnd } from '../internal/ForwardingSubscriber';
import { lift, toFlows } from '../internal/lift';
import { SideInputStage } from '../internal/SideSubscriber';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';

/**
 * Combines each source item with the latest item of every other publisher, as `[item, latest1, latest2, ...]`.
 * Source items that arrive before every other publisher has emitted are dropped. The others are subscribed first.
 *
 * ```
 * source:         1   2   3   4 |
 * other:        a   b       c
 * withLatestFrom: [1,a] [2,b] [3,b] [4,c] |
 * ```
 *
 * **Demand**: the source is paced by the downstream (pass-through, plus one replacement `request(1)` for each
 * source item dropped before every other has a value). The others are sampled, not paced: each is requested
 * unbounded and only its latest item is kept, so memory is one item per other publisher. **Errors**: an error
 * from the source or any other cancels everything and is signalled. An other that completes keeps its latest
 * value (and if it completes empty, every source item is dropped). **Cancellation**: cancels the source and every
 * other; the latest values are released (§3.13). Completes when the source completes.
 *
 * @example
 * clicks.pipe(withLatestFrom(position)); // [click, latestPosition]
 */
export function withLatestFrom<T, O extends unknown[]>(...others: { [K in keyof O]: Publisher<O[K]> }): Operator<T, [T, ...O]> {
  const flows = toFlows('withLatestFrom', others as readonly Publisher<unknown>[]);
  return (source: Publisher<T>): Flow<[T, ...O]> =>
    lift(source, (downstream: Subscriber<[T, ...O]>) => new WithLatestFromSubscriber<T, O>(downstream, flows));
}

class WithLatestFromSubscriber<T, O extends unknown[]> extends SideInputStage<T, [T, ...O]> {
  private others: readonly Publisher<unknown>[] | null;
  private readonly latest: unknown[];
  private missing: number;

  constructor(downstream: Subscriber<[T, ...O]>, others: readonly Publisher<unknown>[]) {
    super(downstream);
    this.others = others;
    this.latest = new Array(others.length).fill(undefined);
    this.missing = others.length;
  }

  /**
   * Subscribes to the others first, so values they have at once (a replayed or synchronous source) are there
   * before a synchronous source delivers inside the downstream's first request. An other that fails meanwhile
   * fails the result right after onSubscribe (§1.9).
   */
  protected override arm(): EarlyEnd | null {
    const others = this.others!;
    this.others = null;
    return this.armSides(others, UNBOUNDED); // sampled: only the latest item of each is kept
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.done) return;
    if (this.missing > 0) {
      this.upstream!.request(1); // replaces the dropped item
      return;
    }
    this.downstream.onNext([value, ...this.latest] as [T, ...O]);
  }

  /** @internal */
  sideNext(index: number, value: unknown): void {
    if (this.done) return;
    if (this.latest[index] === undefined) this.missing--;
    this.latest[index] = value;
  }

  protected override releaseSides(): void {
    super.releaseSides();
    this.latest.fill(undefined); // §3.13
  }
}
