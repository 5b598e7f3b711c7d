import { UNBOUNDED, replenishAt } from './demand';

/**
 * The upstream half of a prefetching stage: owns `prefetch`, the low-tide `limit` (75%, `replenishAt`: exact for
 * every safe integer, no 32-bit shift), the outstanding upstream demand and the count consumed since the last
 * replenish. Invariant for a rule-abiding upstream: `buffered + outstanding + consumed === prefetch`.
 *
 * A stage calls `start()` for its first request, `arrived()` per upstream item (false means §1.1 over-delivery),
 * and `consumedOne()` per item it hands on; a non-zero result is the request to make upstream now.
 */
export class Prefetcher {
  readonly prefetch: number;
  readonly limit: number;
  /** Demand signalled upstream and not yet delivered. */
  outstanding = 0;
  private consumed = 0;

  constructor(prefetch: number, limit: number = replenishAt(prefetch)) {
    this.prefetch = prefetch;
    this.limit = limit;
  }

  /** The first upstream request. */
  start(): number {
    this.outstanding = this.prefetch;
    return this.prefetch;
  }

  /** One item arrived from upstream; false when it was not requested (§1.1). */
  arrived(): boolean {
    if (this.outstanding === UNBOUNDED) return true;
    if (this.outstanding === 0) return false;
    this.outstanding--;
    return true;
  }

  /** One item was consumed downstream; returns how many to request upstream now (0 most of the time). */
  consumedOne(): number {
    if (this.prefetch === UNBOUNDED || ++this.consumed !== this.limit) return 0;
    this.consumed = 0;
    this.outstanding += this.limit;
    return this.limit;
  }
}
