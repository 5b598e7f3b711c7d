import { Flow } from '../Flow';
import type { StageSnapshot } from '../internal/inspect';
import { MulticastHub } from '../internal/MulticastHub';
import { create, type CreateEmitter, type CreateOptions } from './create';

/** What `createSink` returns: a hot, multicast flow and the producer's side of it. */
export interface Sink<T> {
  /** The hot flow: every subscriber shares the sink's one buffer (see `createSink`). */
  readonly flow: Flow<T>;
  /** As `create`'s `emitter.next`: true if accepted; the overflow strategy applies when the buffer is full. */
  next(item: T): boolean;
  /** As `create`'s `emitter.offer`: resolves once the item is buffered, waiting for room whatever the strategy. */
  offer(item: T): Promise<void>;
  /** Completes every subscriber after the items buffered for it. */
  complete(): void;
  /** Fails every subscriber after the items buffered for it. */
  error(error: unknown): void;
  /** How many `next` calls in a row are accepted without the overflow strategy (as `create`'s `desiredSize`). */
  readonly desiredSize: number;
  /** A snapshot of the sink: buffered items, dropped count, and every subscriber's demand and lag. */
  inspect(): StageSnapshot;
}

/**
 * A hot source for application code to push into (Reactor's `Sinks.many().multicast()`), with `create`'s bounded
 * buffer and overflow strategies: `next`, `offer`, `complete` and `error` work exactly as on `create`'s emitter.
 *
 * ```
 * sink.next:     a b c d
 * subscriber 1:  request 4 → a b c d
 * subscriber 2:  request 1 → a     request 3 → b c d
 * buffer:        holds b c d until subscriber 2 asks for them (the slowest paces the sink)
 * ```
 *
 * Multicast, not unicast: there is one shared buffer for all subscribers, so a slow subscriber makes the buffer
 * fill (and the overflow strategy apply) for everyone. A subscriber receives the items pushed after it subscribed
 * (and any item no current subscriber has received yet); items pushed while nobody is subscribed wait in the
 * buffer for the first subscriber. For one independent buffer per subscriber use `create`; for one subscriber fed
 * by an upstream Publisher, `UnicastProcessor`.
 *
 * **Demand**: items are handed out at the pace of the slowest subscriber: a subscriber receives only what it
 * requested, runs at most one item ahead of the slowest one (close to Reactor's multicast sink, where the slowest
 * demand gates everyone), and an item leaves the buffer when every current subscriber received it. At most
 * `capacity` (default 256) items wait, plus the one next in line for the slowest subscriber; beyond that `overflow`
 * applies: 'error' (default, fails every subscriber with OverflowError), 'block' (`next` returns false),
 * 'drop-newest', 'drop-oldest', 'latest' (counted in `inspect().dropped` and passed to `onDrop`). **Errors**:
 * `error(e)`, a `null` item and an overflow under 'error' reach each subscriber after the items buffered for it.
 * **Cancellation**: a subscriber cancelling releases its hold and its reference (§3.13); the sink stays open for
 * other and later subscribers. A subscriber arriving after the end receives what is still buffered for it, then the
 * terminal signal.
 *
 * @example
 * const sink = createSink<string>({ capacity: 100, overflow: 'drop-oldest' });
 * sink.flow.subscribe(logger);
 * socket.on('message', (m) => sink.next(m));
 * socket.on('close', () => sink.complete());
 */
export function createSink<T>(options: CreateOptions<T> = {}): Sink<T> {
  if (options === null || typeof options !== 'object') throw new TypeError('createSink: options must be an object');
  const stage = options.name ?? 'createSink';
  let emitter: CreateEmitter<T> | null = null;
  const source = create<T>((e) => {
    emitter = e;
  }, { ...options, name: stage });
  // The multicast takes one item at a time from create's buffer: the buffer (and its overflow) stays in one place.
  const hub = new MulticastHub<T>({ stage, prefetch: 1, errorMode: 'after-buffer' });
  hub.connectTo(source); // create runs the producer synchronously, so `emitter` is set from here on
  return new HotSink<T>(emitter!, hub);
}

class HotSink<T> implements Sink<T> {
  readonly flow: Flow<T>;
  private readonly emitter: CreateEmitter<T>;
  private readonly hub: MulticastHub<T>;

  constructor(emitter: CreateEmitter<T>, hub: MulticastHub<T>) {
    this.emitter = emitter;
    this.hub = hub;
    this.flow = new Flow<T>((subscriber) => hub.subscribe(subscriber));
  }

  next(item: T): boolean {
    return this.emitter.next(item);
  }

  offer(item: T): Promise<void> {
    return this.emitter.offer(item);
  }

  complete(): void {
    this.emitter.complete();
  }

  error(error: unknown): void {
    this.emitter.error(error);
  }

  get desiredSize(): number {
    return this.emitter.desiredSize;
  }

  inspect(): StageSnapshot {
    const intake = this.emitter.inspect();
    const multicast = this.hub.inspect();
    return {
      ...multicast,
      capacity: intake.capacity + multicast.capacity,
      buffered: intake.buffered + multicast.buffered,
      received: intake.received,
      dropped: intake.dropped,
      terminated: multicast.terminated,
    };
  }
}
