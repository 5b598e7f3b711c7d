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
 * **Demand**: items are handed out at the pace of the slowest subscriber, as in Reactor's multicast sink: an item is
 * delivered once every current subscriber has asked for it, to all of them at once, and then leaves the buffer.
 * At most `capacity` (default 256) items wait — exactly that, the number `inspect().capacity` reports; beyond it
 * `overflow` applies: 'error' (default, fails every subscriber with OverflowError), 'block' (`next` returns false),
 * 'drop-newest', 'drop-oldest', 'latest' (counted in `inspect().dropped` and passed to `onDrop`).
 * **Before the first subscriber, and after the last one left**, nobody is too slow, so a full buffer never fails the
 * sink: under 'error' a `next` that finds it full returns false and the item is refused (as under 'block'; `offer`
 * waits), and the sink stays open: once a subscriber takes the buffered items, `next` is accepted again. The other
 * strategies apply as usual. **Errors**:
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
  // It asks only for an item that is ready, while every subscriber wants one: it holds none at rest and leaves no
  // request outstanding, so `capacity` is the whole bound, exactly.
  const hub = new MulticastHub<T>({
    stage, prefetch: 1, errorMode: 'after-buffer', upstreamReady: () => emitter !== null && emitter.inspect().buffered > 0,
  });
  hub.connectTo(source); // create runs the producer synchronously, so `emitter` is set from here on
  return new HotSink<T>(emitter!, hub, (options.overflow ?? 'error') === 'error');
}

class HotSink<T> implements Sink<T> {
  readonly flow: Flow<T>;
  private readonly emitter: CreateEmitter<T>;
  private readonly hub: MulticastHub<T>;
  /** overflow 'error': with no subscriber, a full buffer refuses the item instead of failing the sink. */
  private readonly failsOnOverflow: boolean;

  constructor(emitter: CreateEmitter<T>, hub: MulticastHub<T>, failsOnOverflow: boolean) {
    this.emitter = emitter;
    this.hub = hub;
    this.failsOnOverflow = failsOnOverflow;
    this.flow = new Flow<T>((subscriber) => hub.subscribe(subscriber));
  }

  next(item: T): boolean {
    // Nobody listens, so nobody is too slow: an overflow here would poison the sink for every later subscriber.
    if (this.failsOnOverflow && item != null && this.hub.subscriberCount === 0 && this.emitter.desiredSize <= 0) return false;
    const accepted = this.emitter.next(item);
    this.hub.drain(); // a subscriber may be waiting for it
    return accepted;
  }

  offer(item: T): Promise<void> {
    const buffered = this.emitter.offer(item);
    this.hub.drain(); // taken at once if there was room and a subscriber waits
    return buffered;
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
    // One buffer (the intake's; the hub holds nothing at rest), and no upstream: a sink is a source.
    return {
      ...multicast,
      capacity: intake.capacity,
      buffered: intake.buffered + multicast.buffered,
      upstreamRequested: 0,
      received: intake.received,
      dropped: intake.dropped,
      terminated: multicast.terminated,
      subscribers: multicast.subscribers?.map((s) => ({ requested: s.requested, pending: s.pending + intake.buffered })),
    };
  }
}
