import { DrainSubscription, OverflowBuffer, type Inspectable, type StageSnapshot, type Subscriber } from '@sluice/core';
import type { Observable } from 'rxjs';
import { OBSERVABLE_OVERFLOWS, type ObservableOverflow } from './options';
import { RxSink } from './RxSink';

/**
 * The subscription of `fromObservable` and `controlled`: an RxJS subscription feeding one bounded OverflowBuffer,
 * drained by downstream demand. The Observable is subscribed right after `onSubscribe` returns (so a request made
 * inside `onSubscribe` is in place before a synchronous Observable pushes its first item) and unsubscribed on
 * cancel, on overflow with 'error', and when downstream terminates.
 */
export class ObservableSubscription<T> extends DrainSubscription<T> implements Inspectable {
  private readonly stage: string;
  private readonly buffer: OverflowBuffer<T>;
  private source: Observable<T> | null;
  private sink: RxSink<T> | null = null;
  /** The Observable's final signal (or the bridge's own error), delivered once the buffer is empty. */
  private terminal: Error | 'complete' | null = null;
  private received = 0;
  private emitted = 0;
  private cancelledByDownstream = false;

  constructor(
    downstream: Subscriber<T>,
    stage: string,
    source: Observable<T>,
    capacity: number,
    overflow: ObservableOverflow,
    onDrop: ((item: T) => void) | undefined,
  ) {
    super(downstream);
    this.stage = stage;
    this.source = source;
    this.buffer = new OverflowBuffer<T>(stage, capacity, overflow, onDrop, OBSERVABLE_OVERFLOWS);
  }

  /** Subscribes to the Observable; called once, after the downstream's onSubscribe returned. */
  start(): void {
    const source = this.source;
    this.source = null;
    if (source === null || this.cancelled) return;
    const sink = new RxSink<T>({
      next: (value) => this.push(value),
      error: (error) => this.end(error instanceof Error ? error : new Error(`non-Error thrown: ${String(error)}`, { cause: error })),
      complete: () => this.end('complete'),
    });
    this.sink = sink;
    source.subscribe(sink);
  }

  override cancel(): void {
    if (!this.cancelled) this.cancelledByDownstream = true;
    super.cancel();
  }

  inspect(): StageSnapshot {
    return {
      stage: this.stage,
      capacity: this.buffer.capacity,
      buffered: this.buffer.size,
      requested: this.requested,
      // An Observable cannot be asked for a number of items: while subscribed, it may push without limit.
      upstreamRequested: this.sink !== null ? Infinity : 0,
      received: this.received,
      emitted: this.emitted,
      dropped: this.buffer.dropped,
      terminated: this.terminal !== null,
      cancelled: this.cancelledByDownstream,
    };
  }

  protected emitSome(downstream: Subscriber<T>): void {
    const buffer = this.buffer;
    while (this.requested > 0 && buffer.size > 0) {
      const value = buffer.poll() as T;
      this.requested--;
      this.emitted++;
      downstream.onNext(value);
      if (this.cancelled) return;
    }
    // §1.4/§1.5 the terminal signal follows the buffered items; it needs no demand.
    if (buffer.size === 0 && this.terminal !== null) {
      const terminal = this.terminal;
      if (terminal === 'complete') this.complete();
      else this.fail(terminal);
    }
  }

  protected override dispose(): void {
    this.source = null;
    this.stopSource();
    this.buffer.clear();
  }

  private push(value: T): void {
    if (this.terminal !== null || this.cancelled) return;
    if (value == null) {
      // §2.13 null/undefined can never be an element: stop the Observable, fail after the buffered items.
      return this.end(new TypeError(`§2.13: ${this.stage}: the Observable emitted ${String(value)}, which is not an element`));
    }
    this.received++;
    let result;
    try {
      result = this.buffer.offer(value);
    } catch (error) {
      // onDrop threw: a user error; the buffered items are discarded and the error is signalled at once.
      this.buffer.clear();
      return this.end(error instanceof Error ? error : new Error(`non-Error thrown: ${String(error)}`, { cause: error }));
    }
    if (result === 'overflow') return this.end(this.buffer.overflowError());
    this.drain();
  }

  private end(terminal: Error | 'complete'): void {
    if (this.terminal !== null || this.cancelled) return;
    this.terminal = terminal;
    this.stopSource();
    this.drain();
  }

  private stopSource(): void {
    const sink = this.sink;
    this.sink = null;
    sink?.unsubscribe();
  }
}
