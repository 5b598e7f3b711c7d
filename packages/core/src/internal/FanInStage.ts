import type { Publisher } from '../spec/Publisher';
import { DrainSubscription } from './DrainSubscription';
import type { InnerSubscriber } from './InnerSubscriber';
import { reportDroppedError, reportError } from './report';

/**
 * The downstream half of a source of several inputs (zip, combineLatest, forkJoin): a DrainSubscription that owns
 * one `InnerSubscriber` per input and the "the whole stage stops" state machine, written once:
 * - `stop(error)` ends the stage because of one input: with its error, or with `null` for "complete now" (an input
 *   ended in a way that leaves nothing more to emit). The other inputs are cancelled at once; the terminal signal
 *   follows from the drain, serialised with `onNext` (§1.3). A second stop is §1.7: a second error is reported,
 *   never swallowed; an error after the downstream cancelled goes to `reportDroppedError` (ADR 0012).
 * - `terminateIfStopped()` is what a stage's `emitSome` checks first; true means it terminated and must return.
 * - `dispose()` cancels every input (§3.13), and the `upstreamRequested` snapshot field sums the inputs'.
 *
 * A stage writes its inputs' `accept`/`ended`, and how it drains.
 */
export abstract class FanInStage<R, I extends InnerSubscriber<unknown, unknown>> extends DrainSubscription<R> {
  /** One subscriber per input, in argument order (set by the stage's constructor). */
  protected inners: readonly I[] = [];
  private stopping = false;
  private stopError: Error | null = null;

  /** Subscribes the inputs in order, stopping early if the stage ended meanwhile; then drains (no inputs: done). */
  subscribeAll(publishers: readonly Publisher<unknown>[]): void {
    for (let i = 0; i < publishers.length && !this.cancelled && !this.stopping; i++) {
      publishers[i]!.subscribe(this.inners[i] as InnerSubscriber<unknown, unknown>);
    }
    this.drain();
  }

  /** An input changed (an item arrived, it completed): run the drain. */
  inputChanged(): void {
    this.drain();
  }

  /** Ends the whole stage: with `error`, or with `null` to complete (see the class comment). */
  stop(error: Error | null): void {
    if (this.cancelled) {
      if (error !== null) {
        if (this.terminated) reportError(error); // §1.7
        else reportDroppedError(error); // after cancel nobody listens: dropped, never thrown
      }
      return;
    }
    if (this.stopping) {
      if (error !== null) reportError(error); // §1.7 only the first ending is signalled
      return;
    }
    this.stopping = true;
    this.stopError = error;
    for (const inner of this.inners) inner.cancel(); // nothing more is needed from any input
    this.drain();
  }

  /** Terminates if `stop` was called; true when it did (the drain must return). */
  protected terminateIfStopped(): boolean {
    if (!this.stopping) return false;
    if (this.stopError !== null) this.fail(this.stopError);
    else this.complete();
    return true;
  }

  protected override get upstreamRequested(): number {
    let sum = 0;
    for (const inner of this.inners) sum += inner.upstreamRequested;
    return sum;
  }

  /** Cancels every input (§3.13). A stage that overrides `dispose` calls `super.dispose()`. */
  protected override dispose(): void {
    const inners = this.inners;
    this.inners = [];
    for (const inner of inners) inner.cancel();
  }
}
