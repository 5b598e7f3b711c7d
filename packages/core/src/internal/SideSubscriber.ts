import { InnerSubscriber } from './InnerSubscriber';

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
