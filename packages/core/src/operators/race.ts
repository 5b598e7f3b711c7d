import { flowOf, type ElementOf, type Flow } from '../Flow';
import { addDemand, isValidRequest } from '../internal/demand';
import { invalidRequestError } from '../internal/errors';
import { InnerSubscriber } from '../internal/InnerSubscriber';
import { toFlows } from '../internal/lift';
import { reportLateError } from '../internal/report';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';

/**
 * Mirrors the first publisher to signal (an item, an error or completion) and cancels all the others.
 *
 * ```
 * a:     ---1---2|
 * b:     -5--6|
 * race:  -5--6|      (b signalled first; a is cancelled)
 * ```
 *
 * **Demand**: until a winner is known every publisher is asked for the downstream's demand (each may use it; only
 * the winner's items are delivered, so the downstream never receives more than it asked); afterwards requests go to
 * the winner alone. A loser's items that arrive in the same instant are discarded. **Errors**: an error from the
 * first to signal is the result; an invalid `request(n)` cancels all and signals `onError(RangeError)` (§3.9).
 * **Cancellation**: cancels every publisher. `race()` with no publisher completes at once.
 *
 * @example
 * race(fetchFromPrimary(), fetchFromReplica()); // whichever answers first
 */
export function race<P extends readonly Publisher<any>[]>(...publishers: P): Flow<ElementOf<P[number]>> {
  const flows = toFlows('race', publishers as readonly Publisher<ElementOf<P[number]>>[]);
  return flowOf<ElementOf<P[number]>>((downstream) => {
    const race = new Race(downstream, flows.length);
    downstream.onSubscribe(race);
    race.subscribeAll(flows);
  });
}

class Race<T> implements Subscription {
  private downstream: Subscriber<T> | null;
  private readonly contenders: Contender<T>[] = [];
  private winner: Contender<T> | null = null;
  /** Demand requested before a winner was known, handed to contenders that subscribe late. */
  private requested = 0;
  private open = true;

  constructor(downstream: Subscriber<T>, count: number) {
    this.downstream = downstream;
    for (let i = 0; i < count; i++) this.contenders.push(new Contender(this));
  }

  /** Subscribes the contenders in order until one has won (or the race ended); no contenders: complete at once. */
  subscribeAll(flows: readonly Publisher<T>[]): void {
    if (flows.length === 0) return this.completeEmpty();
    for (let i = 0; i < flows.length && this.open && this.winner === null; i++) flows[i]!.subscribe(this.contenders[i]!);
  }

  /** What was requested before a winner was known (for a contender that subscribes late). */
  demandSoFar(): number {
    return this.requested;
  }

  request(n: number): void {
    if (!this.open) return; // §3.6
    if (!isValidRequest(n)) {
      const downstream = this.downstream!;
      this.close(null);
      downstream.onError(invalidRequestError(n)); // §3.9
      return;
    }
    if (this.winner !== null) return this.winner.request(n);
    this.requested = addDemand(this.requested, n);
    for (const contender of this.contenders) {
      if (this.winner !== null) break; // one of them won while being asked: the rest are cancelled
      contender.request(n);
    }
  }

  cancel(): void {
    if (!this.open) return;
    this.close(null);
  }

  /** A contender signalled: the first one wins, the others are cancelled. Returns whether `contender` may deliver. */
  claim(contender: Contender<T>): boolean {
    if (!this.open) return false;
    if (this.winner === null) {
      this.winner = contender;
      for (const other of this.contenders) if (other !== contender) other.cancel();
      this.contenders.length = 0; // §3.13
      return true;
    }
    return this.winner === contender;
  }

  next(value: T): void {
    this.downstream!.onNext(value);
  }

  end(error: Error | null): void {
    const downstream = this.downstream!;
    this.open = false;
    this.downstream = null; // §3.13
    this.winner = null;
    if (error === null) downstream.onComplete();
    else downstream.onError(error);
  }

  completeEmpty(): void {
    if (!this.open) return;
    this.end(null);
  }

  private close(_reason: null): void {
    this.open = false;
    this.downstream = null; // §3.13
    const winner = this.winner;
    this.winner = null;
    winner?.cancel();
    for (const contender of this.contenders) contender.cancel();
    this.contenders.length = 0;
  }
}

class Contender<T> extends InnerSubscriber<T, Race<T>> {
  /** Demand asked for before a winner was known reaches a contender that subscribes late. */
  protected onStart(race: Race<T>): void {
    const demand = race.demandSoFar();
    if (demand > 0) this.requestUpstream(demand);
  }

  protected accept(race: Race<T>, value: T): void {
    if (race.claim(this)) race.next(value);
  }

  protected ended(race: Race<T>, error: Error | null): void {
    if (race.claim(this)) race.end(error);
    // a contender that cannot claim was cancelled by the race (a winner, a cancel, §3.9): dropped (ADR 0012)
    else if (error !== null) reportLateError(error, true);
  }

  request(n: number): void {
    this.requestUpstream(n);
  }
}
