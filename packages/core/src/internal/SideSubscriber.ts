import type { Publisher } from '../spec/Publisher';
import { ForwardingSubscriber, type EarlyEnd } from './ForwardingSubscriber';
import { InnerSubscriber } from './InnerSubscriber';
import { reportLateError } from './report';

/** What a stage learns from a side input (a notifier, a sampled publisher). */
export interface SideOwner {
  sideNext(index: number, value: unknown): void;
  sideError(index: number, error: Error): void;
}

/**
 * The subscriber of a stage's side input (takeUntil's and skipUntil's notifier, withLatestFrom's others): it asks
 * for `demand` items once and passes items and the error to its owner. The rules (§2.5, §2.13, §2.8, §1.7) and
 * letting go of the owner on completion, on error and on `cancel()` (§3.13) are `InnerSubscriber`'s.
 */
export class SideSubscriber extends InnerSubscriber<unknown, SideOwner> {
  constructor(owner: SideOwner, private readonly index: number, private readonly demand: number) {
    super(owner);
  }

  protected onStart(): void {
    this.requestUpstream(this.demand);
  }

  protected accept(owner: SideOwner, value: unknown): void {
    owner.sideNext(this.index, value);
  }

  protected ended(owner: SideOwner, error: Error | null): void {
    if (error !== null) owner.sideError(this.index, error); // a completion changes nothing for the owner
  }
}

/**
 * The base of a pass-through stage with side inputs (takeUntil, skipUntil, withLatestFrom): it owns the side
 * subscriptions and their end, written once:
 * - `armSides(publishers, demand)` (from `arm()`) subscribes them in order before the downstream has its
 *   subscription; a side that fails meanwhile stops the arming and becomes the `EarlyEnd` to return (§1.9);
 * - the stage's own end (upstream error or completion, `cancel`, a failing side) releases every side (§3.13);
 *   `request` and `cancel` after the end are no-ops (§3.6, §3.7);
 * - `sideError` fails the stage (after the end, which cancelled the sides, it is dropped: ADR 0012; a side's own
 *   second error is reported by `InnerSubscriber`, §1.7). A stage writes `sideNext` and what to do with
 *   the source's items.
 */
export abstract class SideInputStage<T, R = T> extends ForwardingSubscriber<T, R> implements SideOwner {
  private sides: SideSubscriber[] = [];
  private arming = false;
  private armingError: Error | null = null;

  /** Subscribes `publishers` as side inputs 0, 1, …, each asked for `demand` items; see the class comment. */
  protected armSides(publishers: readonly Publisher<unknown>[], demand: number): EarlyEnd | null {
    this.arming = true;
    for (let i = 0; i < publishers.length && this.armingError === null && !this.done; i++) {
      const side = new SideSubscriber(this, i, demand);
      this.sides.push(side);
      publishers[i]!.subscribe(side);
    }
    this.arming = false;
    const failed = this.armingError;
    this.armingError = null;
    if (failed === null) return null;
    this.releaseSides();
    return { error: failed };
  }

  abstract sideNext(index: number, value: unknown): void;

  sideError(_index: number, error: Error): void {
    // every end of the stage cancels its sides first (releaseSides), so a side error after it is one we cancelled
    if (this.done) return reportLateError(error, true);
    if (this.arming) {
      this.armingError ??= error; // the downstream has no subscription yet: end right after it gets one
      return;
    }
    this.releaseSides();
    this.failWith(error);
  }

  override onError(error: Error): void {
    if (!this.done) this.releaseSides();
    super.onError(error);
  }

  override onComplete(): void {
    if (!this.done) this.releaseSides();
    super.onComplete();
  }

  override request(n: number): void {
    if (this.done) return; // §3.6
    this.upstream!.request(n);
  }

  override cancel(): void {
    if (this.done) return; // §3.7
    this.done = true;
    this.releaseSides();
    this.cancelUpstream();
  }

  /** Cancels every side input (§3.13). A stage that holds more (latest values, a listener) extends it. */
  protected releaseSides(): void {
    const sides = this.sides;
    this.sides = [];
    for (const side of sides) side.cancel();
  }
}
