import type { Scheduler } from '../schedulers/Scheduler';

/** How many slices the window is cut into: the budget forgets old traffic one slice at a time. */
const SLICES = 10;

/** What `RetryBudget.inspect()` reports (counts over the current window, refusals over the budget's life). */
export interface RetryBudgetSnapshot {
  /** First attempts (subscriptions) seen in the window. */
  readonly requests: number;
  /** Retries granted in the window. */
  readonly retries: number;
  /** Retries the budget could still grant now. */
  readonly available: number;
  /** Retries refused since the budget was made (the error was signalled instead). */
  readonly refused: number;
}

/**
 * A retry budget shared by every `retry` given it (Finagle's RetryBudget, Envoy's retry budgets): over a sliding
 * window, retries may be at most `minRetries + ratio × requests`. Under overload, when every attempt fails, that
 * caps the attempts at `(1 + ratio) ×` the offered load plus the floor, however many retries each caller allows
 * (three retries each would otherwise turn 2× overload into up to 8×). The floor lets a quiet client retry at all.
 *
 * The window is `SLICES` counters on the scheduler's clock, so memory is constant and old traffic ages out.
 */
export class RetryBudget {
  readonly ratio: number;
  readonly minRetries: number;
  private readonly sliceMs: number;
  private readonly clock: Scheduler;
  private readonly slice: number[] = new Array<number>(SLICES).fill(-1);
  private readonly requests: number[] = new Array<number>(SLICES).fill(0);
  private readonly retries: number[] = new Array<number>(SLICES).fill(0);
  private refused = 0;

  constructor(ratio: number, minRetries: number, windowMs: number, clock: Scheduler) {
    this.ratio = ratio;
    this.minRetries = minRetries;
    this.sliceMs = windowMs / SLICES;
    this.clock = clock;
  }

  /** Counts one first attempt. */
  deposit(): void {
    this.requests[this.current()]!++;
  }

  /** Grants one retry if the window's budget allows it; false (and counted as refused) otherwise. */
  tryWithdraw(): boolean {
    const at = this.current();
    if (this.available() < 1) {
      this.refused++;
      return false;
    }
    this.retries[at]!++;
    return true;
  }

  inspect(): RetryBudgetSnapshot {
    this.current();
    return {
      requests: sum(this.requests),
      retries: sum(this.retries),
      available: Math.max(0, Math.floor(this.available())),
      refused: this.refused,
    };
  }

  private available(): number {
    return this.minRetries + this.ratio * sum(this.requests) - sum(this.retries);
  }

  /** The slot of the current slice, clearing the slots of slices that left the window. */
  private current(): number {
    const index = Math.floor(this.clock.now() / this.sliceMs);
    const at = ((index % SLICES) + SLICES) % SLICES;
    for (let i = 0; i < SLICES; i++) {
      const s = this.slice[i]!;
      if (s !== -1 && s <= index - SLICES) this.clear(i);
    }
    if (this.slice[at] !== index) {
      this.clear(at);
      this.slice[at] = index;
    }
    return at;
  }

  private clear(i: number): void {
    this.slice[i] = -1;
    this.requests[i] = 0;
    this.retries[i] = 0;
  }
}

function sum(values: number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
