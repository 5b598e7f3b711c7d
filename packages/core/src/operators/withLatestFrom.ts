import type { Flow, Operator } from '../Flow';
import { UNBOUNDED } from '../internal/demand';
import { nullArgumentError } from '../internal/errors';
import { ForwardingSubscriber, type EarlyEnd } from '../internal/ForwardingSubscriber';
import { lift, toFlows } from '../internal/lift';
import { reportError } from '../internal/report';
import { SideSubscriber, type SideOwner } from '../internal/SideSubscriber';
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

class WithLatestFromSubscriber<T, O extends unknown[]> extends ForwardingSubscriber<T, [T, ...O]> implements SideOwner {
  private others: readonly Publisher<unknown>[] | null;
  private readonly latest: unknown[];
  private missing: number;
  private readonly inners: SideSubscriber[] = [];
  private arming = false;
  private armingError: Error | null = null;

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
    this.arming = true;
    for (let i = 0; i < others.length && this.armingError === null; i++) {
      const inner = new SideSubscriber(this, i, UNBOUNDED); // sampled: only the latest item is kept
      this.inners.push(inner);
      others[i]!.subscribe(inner);
    }
    this.arming = false;
    const failed = this.armingError;
    this.armingError = null;
    if (failed === null) return null;
    this.cancelOthers();
    return { error: failed };
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

  override onError(error: Error): void {
    if (!this.done) this.cancelOthers();
    super.onError(error);
  }

  override onComplete(): void {
    if (!this.done) this.cancelOthers();
    super.onComplete();
  }

  override request(n: number): void {
    if (this.done) return; // §3.6
    this.upstream!.request(n);
  }

  override cancel(): void {
    if (this.done) return;
    this.done = true;
    this.cancelOthers();
    this.upstream!.cancel();
  }

  /** @internal */
  sideNext(index: number, value: unknown): void {
    if (this.done) return;
    if (this.latest[index] === undefined) this.missing--;
    this.latest[index] = value;
  }

  /** @internal */
  sideError(_index: number, error: Error): void {
    if (this.done) return reportError(error); // §1.7
    if (this.arming) {
      this.armingError ??= error;
      return;
    }
    this.cancelOthers();
    this.failWith(error);
  }

  private cancelOthers(): void {
    for (const inner of this.inners) inner.cancel();
    this.inners.length = 0;
    this.latest.fill(undefined); // §3.13
  }
}
