import { Flow } from '../Flow';
import { isConditional, type ConditionalSubscriber } from '../internal/conditional';
import { DrainSubscription } from '../internal/DrainSubscription';
import type { Subscriber } from '../spec/Subscriber';

/**
 * Emits the integers `start, start + 1, …` (`count` of them), then completes.
 *
 * ```
 * range(1, 3):  1 2 3 |
 * request:      2.. 1.
 * ```
 *
 * **Demand**: emits exactly what was requested, synchronously inside `request`; an unbounded request runs a loop
 * with no demand counting (Reactor's fast path). **Errors**: an invalid `request(n)` cancels and signals
 * `onError(RangeError)` (§3.9). **Cancellation**: stops at once, even from inside `onNext`.
 *
 * @example
 * await toArray(range(1, 3)); // [1, 2, 3]
 */
export function range(start: number, count: number): Flow<number> {
  if (!Number.isSafeInteger(start)) throw new RangeError(`range: start must be a safe integer, got ${start}`);
  if (!(count >= 0) || !(Number.isSafeInteger(count) || count === Infinity)) {
    throw new RangeError(`range: count must be a non-negative integer or Infinity, got ${count}`);
  }
  const end = start + count;
  return new Flow<number>((subscriber) => {
    new RangeSubscription(subscriber, start, end).begin();
  });
}

class RangeSubscription extends DrainSubscription<number> {
  private index: number;
  private readonly end: number;

  constructor(downstream: Subscriber<number>, start: number, end: number) {
    super(downstream);
    this.index = start;
    this.end = end;
  }

  /** An empty range completes without waiting for demand (§1.2 allows it; the TCK's 1.5 test expects it). */
  protected override onBegin(): void {
    if (this.index === this.end) this.drain();
  }

  protected emitSome(downstream: Subscriber<number>): void {
    // A conditional downstream (map/filter) drops without asking for replacements and counts what it delivers.
    if (isConditional(downstream)) this.emitCounted(downstream);
    else this.emitEach(downstream);
  }

  private emitEach(downstream: Subscriber<number>): void {
    const end = this.end;
    let index = this.index;
    if (this.requested === Infinity) {
      while (index !== end) {
        downstream.onNext(index++);
        if (this.cancelled) return; // §3.12 a cancel from inside onNext stops the loop at once
      }
    } else {
      // Count emissions in a local and settle `requested` once per batch (Reactor's slow path): a request made
      // from inside onNext only raises `this.requested`, which is re-read when the batch runs out.
      let emitted = 0;
      let requested = this.requested;
      for (;;) {
        while (emitted !== requested && index !== end) {
          downstream.onNext(index++);
          if (this.cancelled) return;
          emitted++;
        }
        if (index === end) break;
        requested = this.requested;
        if (requested === emitted) {
          this.index = index;
          this.requested = 0;
          return;
        }
      }
    }
    this.index = index;
    this.complete();
  }

  /**
   * The conditional loop: emit at most `requested - delivered` items in a run, then look at `delivered` again. Only
   * delivered items count against demand (§1.1), so a run after drops is shorter but never overshoots; the per-item
   * work is one call and the §3.12 cancelled check.
   */
  private emitCounted(downstream: ConditionalSubscriber<number>): void {
    const end = this.end;
    let index = this.index;
    const base = downstream.delivered;
    let requested = this.requested;
    for (;;) {
      const left = requested - (downstream.delivered - base); // Infinity when unbounded
      const stop = end - index > left ? index + left : end;
      while (index !== stop) {
        downstream.tryOnNext(index++);
        if (this.cancelled) return; // §3.12
      }
      if (index === end) break;
      const emitted = downstream.delivered - base;
      if (emitted === requested) {
        requested = this.requested;
        if (requested === emitted) {
          this.index = index;
          this.requested = 0;
          return;
        }
      }
    }
    this.index = index;
    this.complete();
  }
}
