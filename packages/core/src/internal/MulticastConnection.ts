import { Flow } from '../Flow';
import type { Subscriber } from '../spec/Subscriber';
import { requirePositiveBound } from './demand';
import type { Inspectable, StageSnapshot } from './inspect';
import { MulticastHub, type MulticastHubOptions } from './MulticastHub';

/** The handle `connect()` returns: `dispose()` cancels the upstream subscription of that connection. */
export interface Connection {
  /**
   * Cancels the upstream. Subscribers still attached receive `onError(CancellationError)` ("disconnected"); the
   * next subscriber or `connect()` starts a new connection. Idempotent.
   */
  dispose(): void;
  /** True once disposed, or once the upstream terminated. */
  readonly disposed: boolean;
}

/**
 * A multicast Flow that subscribes its source only when told to (Reactor's ConnectableFlux): subscribers attach to
 * the current connection's shared buffer, and `connect()` subscribes the source once for all of them.
 *
 * Connection lifecycle: before `connect()`, subscribers wait (nothing is requested upstream). `connect()` subscribes
 * the source; while that connection is active it returns the same connection. Once its upstream terminated (or it
 * was disposed), the next subscriber or `connect()` starts a fresh connection that subscribes the source again,
 * except for `replay`, which keeps a terminated connection so late subscribers receive the history and the
 * terminal signal.
 */
export class ConnectableFlow<T> extends Flow<T> implements Inspectable {
  /** @internal */ readonly state: ConnectionState<T>;

  /** @internal use `publish`, `replay` */
  constructor(source: Flow<T>, options: MulticastHubOptions) {
    const state = new ConnectionState<T>(source, options);
    super((subscriber) => state.current().subscribe(subscriber));
    this.state = state;
  }

  /** Subscribes the source (once per connection) and returns the connection. */
  connect(): Connection {
    const hub = this.state.current();
    hub.connectTo(this.state.source);
    return new HubConnection(this.state, hub);
  }

  /**
   * A Flow that connects when `minSubscribers` are attached and disposes the connection when all of them cancelled
   * (Reactor's refCount). A subscriber arriving after the upstream terminated starts a new connection (except for
   * replay). Default 1: `publish().refCount()` is `share()`.
   */
  refCount(minSubscribers = 1): SharedFlow<T> {
    const min = requirePositiveBound('refCount: minSubscribers', minSubscribers);
    return new SharedFlow<T>(this.state, min, true);
  }

  /**
   * A Flow that connects once `minSubscribers` are attached and never disconnects by itself (subscribers cancelling
   * leave the source running). After the source terminated, the next `minSubscribers` subscribers connect it again
   * (except for replay). Default 1.
   */
  autoConnect(minSubscribers = 1): SharedFlow<T> {
    const min = requirePositiveBound('autoConnect: minSubscribers', minSubscribers);
    return new SharedFlow<T>(this.state, min, false);
  }

  /**
   * A snapshot of the latest connection (the one in use, or the one that just ended): buffer depth, upstream demand
   * and each subscriber's demand and lag.
   */
  inspect(): StageSnapshot {
    return this.state.latest().inspect();
  }
}

/** The Flow of `refCount`/`autoConnect` (and `share`): connects itself, and can be inspected like its ConnectableFlow. */
export class SharedFlow<T> extends Flow<T> implements Inspectable {
  /** @internal */ readonly state: ConnectionState<T>;

  /** @internal use `share`, `refCount`, `autoConnect` */
  constructor(state: ConnectionState<T>, minSubscribers: number, disconnectWhenIdle: boolean) {
    super((subscriber) => state.subscribeCounting(subscriber, minSubscribers, disconnectWhenIdle));
    this.state = state;
  }

  /** A snapshot of the latest connection: buffer depth, upstream demand and each subscriber's demand and lag. */
  inspect(): StageSnapshot {
    return this.state.latest().inspect();
  }
}

/** @internal the mutable part of a ConnectableFlow: its current hub. */
export class ConnectionState<T> {
  readonly source: Flow<T>;
  private readonly options: MulticastHubOptions;
  private hub: MulticastHub<T> | null = null;

  constructor(source: Flow<T>, options: MulticastHubOptions) {
    this.source = source;
    this.options = options;
  }

  /** The hub new subscribers join: a fresh one if there is none, it was disposed, or (except replay) it terminated. */
  current(): MulticastHub<T> {
    const hub = this.hub;
    if (hub !== null && !hub.cancelled && !(hub.done && (this.options.history ?? 0) === 0)) return hub;
    const next = new MulticastHub<T>(this.options);
    this.hub = next;
    return next;
  }

  /** The hub last used (even if it terminated), for inspection. */
  latest(): MulticastHub<T> {
    return this.hub ?? this.current();
  }

  subscribeCounting(subscriber: Subscriber<T>, min: number, disconnectWhenIdle: boolean): void {
    const hub = this.current();
    if (disconnectWhenIdle && hub.onIdle === null) {
      hub.onIdle = () => this.forget(hub);
      hub.cancelWhenIdle = true;
    }
    hub.subscribe(subscriber);
    if (!hub.connected && hub.subscriberCount >= min) hub.connectTo(this.source);
  }

  forget(hub: MulticastHub<T>): void {
    if (this.hub === hub) this.hub = null;
  }
}

class HubConnection<T> implements Connection {
  private state: ConnectionState<T> | null;
  private readonly hub: MulticastHub<T>;

  constructor(state: ConnectionState<T>, hub: MulticastHub<T>) {
    this.state = state;
    this.hub = hub;
  }

  dispose(): void {
    const state = this.state;
    if (state === null) return;
    this.state = null;
    state.forget(this.hub);
    this.hub.disconnect();
  }

  get disposed(): boolean {
    return this.state === null || this.hub.cancelled || this.hub.done;
  }
}
