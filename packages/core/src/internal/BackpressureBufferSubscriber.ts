import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { UNBOUNDED } from './demand';
import { UpstreamDrainSubscription } from './UpstreamDrainSubscription';
import { nullArgumentError, toError } from './errors';
import type { Inspectable, StageSnapshot } from './inspect';
import { OverflowBuffer, type OverflowStrategy } from './overflow';
import { reportError } from './report';

export interface BackpressureBufferConfig<T> {
  /** The operator name, used in snapshots and error messages. */
  readonly stage: string;
  readonly capacity: number;
  readonly overflow: OverflowStrategy;
  readonly onDrop?: (item: T) => void;
  /** The strategies the operator accepts (named by an OverflowError's advice); default: all. */
  readonly accepted?: readonly OverflowStrategy[];
  /** What to request upstream on subscribe: `UNBOUNDED`, or a bound that is replenished as items are consumed. */
  readonly prefetch: number;
  /** For a bounded prefetch: request this many more each time this many were emitted downstream. */
  readonly replenish?: number;
  /** Admit an item only against unfilled downstream demand, dropping it otherwise (onBackpressureDrop). */
  readonly admitOnlyAgainstDemand?: boolean;
}

/**
 * The one queue-owning stage behind onBackpressureBuffer, onBackpressureDrop, onBackpressureLatest and limitRate:
 * it requests `prefetch` upstream (unbounded, or a bound replenished in steps of `replenish`), keeps what
 * downstream has not asked for yet in an OverflowBuffer, and emits per downstream demand from the drain loop.
 *
 * Terminal signals wait for the buffer: items received before an upstream error, or before an overflow under
 * 'error' (which cancels upstream at once), are delivered first (Reactor's onBackpressureBuffer does the same).
 * A bounded prefetch keeps `buffered + outstanding upstream + consumed since the last replenish === prefetch`, so
 * a rule-abiding upstream can never overflow a buffer of `prefetch` items.
 */
export class BackpressureBufferSubscriber<T> extends UpstreamDrainSubscription<T, T> implements Inspectable {
  private readonly config: BackpressureBufferConfig<T>;
  private readonly buffer: OverflowBuffer<T>;
  private upstreamRequested = 0;
  private consumed = 0;
  private done = false;
  private upstreamDone = false;
  private error: Error | null = null;
  private terminated = false;
  private received = 0;
  private emitted = 0;

  constructor(downstream: Subscriber<T>, config: BackpressureBufferConfig<T>) {
    super(downstream);
    this.config = config;
    this.buffer = new OverflowBuffer<T>(config.stage, config.capacity, config.overflow, config.onDrop, config.accepted);
  }

  protected override onUpstream(subscription: Subscription): void {
    this.upstreamRequested = this.config.prefetch;
    subscription.request(this.config.prefetch);
  }

  onNext(item: T): void {
    if (item == null) throw nullArgumentError('onNext', item); // §2.13
    if (this.done || this.cancelled) return; // §2.8 items in flight after cancel or overflow are dropped
    this.received++;
    if (this.upstreamRequested !== UNBOUNDED) this.upstreamRequested--;
    try {
      if (this.config.admitOnlyAgainstDemand && this.buffer.size >= this.requested) {
        this.buffer.discard(item);
      } else if (this.buffer.offer(item) === 'overflow') {
        this.stop(this.buffer.overflowError()); // the upstream ignored demand past the bound
      }
    } catch (thrown) {
      this.stop(toError(thrown)); // onDrop threw: a user error
    }
    this.drain();
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.done) {
      reportError(error); // §1.7 nothing after a terminal signal; never swallowed
      return;
    }
    this.upstreamDone = true;
    this.done = true;
    this.error = error;
    this.drain();
  }

  onComplete(): void {
    if (this.done) return; // §1.7
    this.upstreamDone = true;
    this.done = true;
    this.drain();
  }

  inspect(): StageSnapshot {
    return {
      stage: this.config.stage,
      capacity: this.buffer.capacity,
      buffered: this.buffer.size,
      requested: this.requested,
      upstreamRequested: this.upstreamDone || this.upstream === null ? 0 : this.upstreamRequested,
      received: this.received,
      emitted: this.emitted,
      dropped: this.buffer.dropped,
      terminated: this.terminated,
      cancelled: this.cancelled && !this.terminated,
    };
  }

  protected emitSome(downstream: Subscriber<T>): void {
    const buffer = this.buffer;
    while (this.requested > 0 && buffer.size > 0) {
      const item = buffer.poll() as T;
      this.requested--; // Infinity - 1 stays unbounded
      this.emitted++;
      downstream.onNext(item);
      if (this.cancelled) return;
      if (this.config.prefetch !== UNBOUNDED && !this.done && ++this.consumed === this.config.replenish) {
        this.consumed = 0;
        this.upstreamRequested += this.config.replenish;
        this.upstream!.request(this.config.replenish); // may deliver synchronously: onNext only queues, wip loops
        if (this.cancelled) return;
      }
    }
    if (this.done && buffer.size === 0) {
      this.terminated = true;
      if (this.error !== null) this.fail(this.error);
      else this.complete();
    }
  }

  protected override dispose(): void {
    this.buffer.clear();
    const upstream = this.upstream;
    this.upstream = null; // §3.13
    if (upstream !== null && !this.upstreamDone) upstream.cancel();
  }

  /** Ends intake now (cancels upstream, §3.13 releases it); the buffered items are still delivered, then `error`. */
  private stop(error: Error): void {
    this.done = true;
    this.error = error;
    const upstream = this.upstream;
    this.upstream = null;
    this.upstreamDone = true;
    upstream?.cancel();
  }
}
