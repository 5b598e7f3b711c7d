import type { Scheduler } from '../schedulers/Scheduler';
import { timerScheduler } from '../schedulers/timerScheduler';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { toError } from './errors';
import type { Inspectable, StageSnapshot } from './inspect';
import { ExpiringBuffer, type DropListener } from './ExpiringBuffer';
import type { OverflowStrategy } from './overflow';
import { Prefetcher } from './Prefetcher';
import { QueueStage } from './QueueStage';

export interface BackpressureBufferConfig<T> {
  /** The operator name, used in snapshots and error messages. */
  readonly stage: string;
  readonly capacity: number;
  readonly overflow: OverflowStrategy;
  readonly onDrop?: DropListener<T>;
  /** Age budget in ms from enqueue: older buffered items are dropped ('expired'). Default: none. */
  readonly maxAge?: number;
  /** The clock of `maxAge`. Default `timerScheduler`. */
  readonly scheduler?: Scheduler;
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
export class BackpressureBufferSubscriber<T> extends QueueStage<T, T> implements Inspectable {
  private readonly config: BackpressureBufferConfig<T>;
  private readonly buffer: ExpiringBuffer<T>;
  private readonly prefetcher: Prefetcher;

  constructor(downstream: Subscriber<T>, config: BackpressureBufferConfig<T>) {
    super(downstream);
    this.config = config;
    this.buffer = new ExpiringBuffer<T>(
      config.stage, config.capacity, config.overflow, config.onDrop, config.accepted, config.maxAge ?? Infinity,
      config.scheduler ?? timerScheduler, this.expireNow,
    );
    this.prefetcher = new Prefetcher(config.prefetch, config.replenish ?? config.prefetch);
  }

  protected override onUpstream(subscription: Subscription): void {
    subscription.request(this.prefetcher.start());
  }

  protected accept(item: T): void {
    this.prefetcher.arrived();
    try {
      if (this.config.admitOnlyAgainstDemand && this.buffer.size >= this.requested) {
        this.buffer.discard(item);
      } else if (this.buffer.offer(item) === 'overflow') {
        this.stopIntake(this.buffer.overflowError()); // the upstream ignored demand past the bound
      }
    } catch (thrown) {
      this.stopIntake(toError(thrown)); // onDrop threw: a user error
    }
    this.drain();
  }

  inspect(): StageSnapshot {
    const snapshot = this.snapshot(this.config.stage);
    return this.buffer.maxAge === Infinity ? snapshot : { ...snapshot, expired: this.buffer.expired };
  }

  /** The expiry timer: drop what outlived `maxAge` even without demand, and end if that emptied a finished buffer. */
  private readonly expireNow = (): void => {
    if (this.cancelled || this.terminated) return;
    this.expireBuffered();
    this.drain();
  };

  /** Drops expired items; a throwing `onDrop` is a user error: intake stops, the error follows the buffer. */
  private expireBuffered(): void {
    try {
      this.buffer.expire();
    } catch (thrown) {
      const error = toError(thrown);
      if (!this.done) this.stopIntake(error);
      else if (this.error === null) this.error = error;
    }
  }

  protected override get capacity(): number {
    return this.buffer.capacity;
  }

  protected override get buffered(): number {
    return this.buffer.size;
  }

  protected override get upstreamRequested(): number {
    return this.upstream === null ? 0 : this.prefetcher.outstanding;
  }

  protected override get dropped(): number {
    return this.buffer.dropped;
  }

  protected emitSome(downstream: Subscriber<T>): void {
    const buffer = this.buffer;
    this.expireBuffered(); // never deliver an item past its age budget
    while (this.requested > 0 && buffer.size > 0) {
      const item = buffer.poll() as T;
      this.requested--; // Infinity - 1 stays unbounded
      this.emittedItems++;
      downstream.onNext(item);
      if (this.cancelled) return;
      if (!this.done) {
        const more = this.prefetcher.consumedOne();
        if (more > 0) {
          this.upstream!.request(more); // may deliver synchronously: onNext only queues, wip loops
          if (this.cancelled) return;
        }
      }
    }
    this.terminateWhenDone(buffer.size === 0);
  }

  protected override dispose(): void {
    this.buffer.release();
    super.dispose();
  }
}
