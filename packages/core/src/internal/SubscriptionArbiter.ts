import type { Subscription } from '../spec/Subscription';
import { addDemand, produced } from './demand';

/**
 * Keeps one downstream demand across a sequence of upstream subscriptions (catchError, retry, concat, …; Reactor's
 * `Operators.MultiSubscriptionSubscriber`, trimmed for one thread). It counts outstanding demand: every valid
 * request adds to it, every delivered item subtracts from it. When the next upstream arrives, it is asked for
 * exactly the outstanding amount, so demand carries over; requests made while no upstream is set are kept, not
 * lost. `cancel` cancels whichever upstream is current and any that arrives later.
 *
 * Callers validate `request(n)` themselves (§3.9) before calling `request`: an invalid value must never reach an
 * upstream here, since its error would look like an upstream failure.
 */
export class SubscriptionArbiter {
  /** Downstream demand not yet met by delivered items (`Infinity` when unbounded). */
  requested = 0;
  private current: Subscription | null = null;
  cancelled = false;

  /** Adds valid demand and forwards it to the current upstream, if any. */
  request(n: number): void {
    if (this.cancelled) return; // §3.6
    this.requested = addDemand(this.requested, n); // §3.17
    this.current?.request(n);
  }

  /** Records `k` items delivered downstream. */
  produced(k: number): void {
    this.requested = produced(this.requested, k);
  }

  /** Makes `next` the current upstream and asks it for the outstanding demand. Cancels it if already cancelled. */
  setSubscription(next: Subscription): void {
    if (this.cancelled) {
      next.cancel(); // §3.13 nothing may keep running for a cancelled subscriber
      return;
    }
    this.current = next;
    const outstanding = this.requested;
    if (outstanding > 0) next.request(outstanding);
  }

  /** Forgets the current upstream (it terminated), so later requests only accumulate. */
  clearSubscription(): void {
    this.current = null;
  }

  cancel(): void {
    if (this.cancelled) return; // §3.7
    this.cancelled = true;
    const current = this.current;
    this.current = null;
    current?.cancel();
  }
}
