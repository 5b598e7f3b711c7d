import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { addDemand, isValidRequest } from './demand';
import { invalidRequestError } from './errors';
import type { StageSnapshot } from './inspect';
import { reportError, reportLateError } from './report';

/** Where a subscription is in its life (§1.6: a terminated subscription counts as cancelled). */
export type Lifecycle = 'active' | 'cancelled' | 'terminated';

/**
 * The base of every source and of every operator that owns a queue. `request` validates and adds demand, `cancel`
 * marks; both then run `drain()`, a serialising work-in-progress loop (Reactor's "missed" loop, WHATWG's
 * `_pulling`/`_pullAgain`). Only the caller that takes `wip` from 0 runs `emitSome`; a reentrant `request` from
 * inside `onNext` only adds demand and bumps `wip`, so the running loop picks it up: recursion depth 1 (§3.3) and
 * no stack growth however many items a synchronous source delivers.
 *
 * A subclass implements `emitSome(downstream)`: emit while `requested > 0` (decrement per item; `Infinity - 1`
 * stays `Infinity`), return when out of demand or data, and call `complete()`/`fail()` to terminate. It may
 * override `dispose()` to release resources (iterators, timers, upstream subscriptions); it runs exactly once, on
 * cancel or on termination.
 *
 * The lifecycle is one of `'active'`, `'cancelled'` and `'terminated'` (`lifecycle`). On the hot path it is read
 * through `cancelled`, which means "over" (cancelled or terminated, §1.6): one boolean load after each item, which
 * W1 measures; `terminated` tells the two ends apart for snapshots. The `receivedItems`/`emittedItems` counters and the
 * `capacity`/`buffered`/`upstreamRequested`/`dropped` getters feed `snapshot(stage)`, so no stage writes a snapshot
 * literal. (There is no default `inspect()` here on purpose: `name()` registers every `Inspectable` subscription, so
 * a stage opts in by declaring `inspect() { return this.snapshot('…'); }`.)
 */
export abstract class DrainSubscription<T> implements Subscription {
  protected downstream: Subscriber<T> | null;
  /** Outstanding downstream demand; `Infinity` when unbounded. */
  protected requested = 0;
  protected wip = 0;
  /** True once cancelled or terminated: the subscription is over (§1.6). */
  protected cancelled = false;
  /** True once `complete()`/`fail()` signalled the downstream (cancelled is then true too). */
  protected terminated = false;
  /**
   * Items this stage took in / delivered downstream; a stage that counts increments them (snapshot fields
   * `received`/`emitted`). Named `…Items` because @sluice/node's fromReadable keeps a private `emitted` of its own.
   */
  protected receivedItems = 0;
  protected emittedItems = 0;
  /** Items discarded by this stage's overflow or sampling policy (snapshot field `dropped`). */
  protected droppedItems = 0;
  private invalidRequest: RangeError | null = null;

  constructor(downstream: Subscriber<T>) {
    this.downstream = downstream;
  }

  request(n: number): void {
    if (this.cancelled) return; // §3.6 requests after cancel are no-ops
    if (isValidRequest(n)) {
      this.requested = addDemand(this.requested, n); // §3.17 saturates at unbounded
    } else if (this.invalidRequest === null) {
      this.invalidRequest = invalidRequestError(n); // §3.9 signalled from the drain loop, never thrown (§3.16)
      // §3.9 the subscription is cancelled now: an emit loop running further up the stack (a request made inside
      // onNext) checks `cancelled` after each item and stops at once, instead of delivering what was requested before.
      this.cancelled = true;
    }
    this.drain();
  }

  cancel(): void {
    if (this.cancelled) return; // §3.7 idempotent
    this.cancelled = true;
    this.drain();
  }

  /** Runs the emit loop unless it is already running further up the stack (§3.3). */
  protected drain(): void {
    if (this.wip++ !== 0) return;
    this.runDrainLoop();
  }

  /**
   * The loop itself, kept out of `drain` so that the common call from inside onNext (a request while the loop is
   * already running) stays a counter bump when V8 inlines it into a source's emit loop.
   */
  private runDrainLoop(): void {
    let missed = 1;
    for (;;) {
      const downstream = this.downstream;
      if (downstream !== null) {
        try {
          if (this.invalidRequest !== null) {
            const error = this.invalidRequest;
            // §3.13 not kept: a V8 Error holds its stack frames (the requesting subscriber among them) until its stack
            // is read, and a producer may keep this subscription (create's emitter) long after it ended.
            this.invalidRequest = null;
            this.cancelled = true; // §3.9 the subscription is cancelled, then onError
            this.release();
            downstream.onError(error);
          } else if (this.cancelled) {
            this.release(); // §3.13 drop the subscriber and resources
          } else {
            this.emitSome(downstream);
          }
        } catch (error) {
          // §2.13 the downstream threw from a signal method: treat the subscription as cancelled and report.
          this.cancelled = true;
          this.release();
          reportError(error);
        }
      }
      missed = this.wip -= missed;
      if (missed === 0) return;
    }
  }

  /** Emits what demand and data allow. Called only from `drain`, never reentrantly. */
  protected abstract emitSome(downstream: Subscriber<T>): void;

  /** Releases resources held for this subscription. Runs once, on cancel or termination. */
  protected dispose(): void {}

  /** `'active'`, `'cancelled'` (by the downstream, or by §2.13/§3.9) or `'terminated'` (onComplete/onError sent). */
  protected get lifecycle(): Lifecycle {
    return this.terminated ? 'terminated' : this.cancelled ? 'cancelled' : 'active';
  }

  /** The buffer's bound, or 0 for a stage without one. */
  protected get capacity(): number {
    return 0;
  }

  /** Items held for the downstream right now. */
  protected get buffered(): number {
    return 0;
  }

  /** Demand signalled upstream and not yet delivered (0 once the upstream is over). */
  protected get upstreamRequested(): number {
    return 0;
  }

  /** Items discarded (`droppedItems`, unless the stage counts elsewhere, e.g. in an OverflowBuffer). */
  protected get dropped(): number {
    return this.droppedItems;
  }

  /** A snapshot derived from the lifecycle, the counters and the getters (for a stage's `inspect()`). */
  protected snapshot(stage: string): StageSnapshot {
    const lifecycle = this.lifecycle;
    return {
      stage,
      capacity: this.capacity,
      buffered: this.buffered,
      requested: this.requested,
      upstreamRequested: this.upstreamRequested,
      received: this.receivedItems,
      emitted: this.emittedItems,
      dropped: this.dropped,
      terminated: lifecycle === 'terminated',
      cancelled: lifecycle === 'cancelled',
    };
  }

  /** Terminates with onComplete (§1.6: the subscription counts as cancelled first). */
  protected complete(): void {
    const downstream = this.downstream;
    if (downstream === null) return;
    this.cancelled = true;
    this.terminated = true;
    this.release();
    downstream.onComplete();
  }

  /** Terminates with onError (§1.6, §1.7). */
  protected fail(error: Error): void {
    const downstream = this.downstream;
    if (downstream === null) return;
    this.cancelled = true;
    this.terminated = true;
    this.release();
    downstream.onError(error);
  }

  private release(): void {
    if (this.downstream === null) return;
    this.downstream = null; // §3.13
    try {
      this.dispose();
    } catch (error) {
      // cleanup run by a cancel (downstream, §2.13, §3.9) has nobody to tell: dropped (ADR 0012); cleanup after
      // onComplete/onError is a bug in the stage's resources: reported
      reportLateError(error, !this.terminated);
    }
  }
}
