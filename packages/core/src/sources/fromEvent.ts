import type { Flow } from '../Flow';
import { type DropListener } from '../internal/ExpiringBuffer';
import { requireOverflowStrategy, type OverflowStrategy } from '../internal/overflow';
import type { Scheduler } from '../schedulers/Scheduler';
import { create, type CreateEmitter } from './create';

/** A DOM-style event target (browsers, Node's `EventTarget`, `AbortSignal`, `WebSocket`, …). */
export interface EventTargetLike {
  addEventListener(name: string, listener: (event: unknown) => void): void;
  removeEventListener(name: string, listener: (event: unknown) => void): void;
}

/** A Node-style event emitter (`EventEmitter`, streams, sockets, …). */
export interface EventEmitterLike {
  on(name: string | symbol, listener: (...args: unknown[]) => void): unknown;
  off?(name: string | symbol, listener: (...args: unknown[]) => void): unknown;
  removeListener?(name: string | symbol, listener: (...args: unknown[]) => void): unknown;
}

/** Events arrive whether or not anyone asked: 'block' cannot slow them down, so it is not offered. */
export type EventOverflowStrategy = Exclude<OverflowStrategy, 'block'>;

export interface FromEventOptions<T> {
  /** Events buffered beyond demand. Default 256 (1 under 'latest', which allows only 1). */
  capacity?: number;
  /** Required: what happens to an event that arrives when the buffer is full. */
  overflow: EventOverflowStrategy;
  /** Called with each event lost, and why ('overflow', or 'expired' with `maxAge`). */
  onDrop?: DropListener<T>;
  /** Age budget in ms from arrival: events that waited longer are dropped ('expired'). */
  maxAge?: number;
  /** The clock of `maxAge`. Default `timerScheduler`. */
  scheduler?: Scheduler;
  /**
   * Turns the listener's arguments into the item. Default: the first argument (an emitter event with several
   * arguments gives the array of them). An event without arguments needs `select` (null is never an item, §2.13).
   */
  select?: (...args: any[]) => T; // the listener arguments are whatever the target passes
}

const EVENT_STRATEGIES: readonly OverflowStrategy[] = ['error', 'drop-newest', 'drop-oldest', 'latest'];

/**
 * Events of an `EventTarget` or an `EventEmitter` as a Flow, through a bounded buffer with a required overflow
 * choice: events do not wait for demand, so the choice of what to lose is the caller's.
 *
 * ```
 * events:      a b c d e            (capacity 2, 'drop-oldest')
 * request:   ............ 2
 * downstream:             d e       (a, b, c dropped: onDrop(a, 'overflow') …)
 * ```
 *
 * **Demand**: each subscriber adds its own listener; events are delivered against demand, the rest wait in a buffer
 * of `capacity` and `overflow` applies beyond it (`create`'s buffer: 'error' fails with OverflowError). The flow
 * never completes by itself (end it with `take`, `takeUntil`, …). **Errors**: a throwing `select` or `onDrop`,
 * an overflow under 'error' and a null item fail the stream and remove the listener. **Cancellation**: removes the
 * listener (with `removeEventListener`, `off` or `removeListener`), so the target no longer references the stream.
 *
 * @example
 * fromEvent<MouseEvent>(canvas, 'mousemove', { overflow: 'latest' }).pipe(observeOn(animationFrame)).subscribe(draw);
 * fromEvent<Buffer>(socket, 'data', { capacity: 64, overflow: 'error' }); // fail loudly rather than lose data
 */
export function fromEvent<T>(target: EventTargetLike | EventEmitterLike, name: string, options: FromEventOptions<T>): Flow<T> {
  if (typeof name !== 'string' || name === '') throw new TypeError(`fromEvent: name must be a non-empty string, got ${String(name)}`);
  const attach = attacher(target);
  if (options === null || typeof options !== 'object' || options.overflow === undefined) {
    throw new TypeError(
      "fromEvent: options.overflow is required: 'drop-oldest', 'drop-newest', 'latest' or 'error' (events do not wait for demand)",
    );
  }
  requireOverflowStrategy('fromEvent', options.overflow, EVENT_STRATEGIES);
  const select = options.select ?? firstArgument;
  if (typeof select !== 'function') throw new TypeError(`fromEvent: select must be a function, got ${typeof select}`);
  const { capacity, overflow, onDrop, maxAge, scheduler } = options;
  return create<T>(
    (emitter: CreateEmitter<T>) => {
      const listener = (...args: unknown[]): void => {
        let item: T;
        try {
          item = select(...args);
        } catch (thrown) {
          detach();
          emitter.error(thrown);
          return;
        }
        emitter.next(item);
      };
      const detach = attach(name, listener);
      emitter.onCancel(detach); // cancel, overflow, a null item, a throwing onDrop: §3.13 the target lets go of us
    },
    { capacity, overflow, onDrop, maxAge, scheduler, name: `fromEvent(${name})` },
  );
}

function firstArgument<T>(...args: unknown[]): T {
  return (args.length > 1 ? args : args[0]) as T;
}

type Listener = (...args: unknown[]) => void;

/** How to add a listener to this target, returning how to remove it; a TypeError for anything else. */
function attacher(target: unknown): (name: string, listener: Listener) => () => void {
  const t = target as Partial<EventTargetLike & EventEmitterLike> | null;
  if (t != null && typeof t.addEventListener === 'function' && typeof t.removeEventListener === 'function') {
    return (name, listener) => {
      t.addEventListener!(name, listener);
      return () => t.removeEventListener!(name, listener);
    };
  }
  if (t != null && typeof t.on === 'function') {
    const remove = typeof t.off === 'function' ? t.off : typeof t.removeListener === 'function' ? t.removeListener : null;
    if (remove !== null) {
      return (name, listener) => {
        t.on!(name, listener);
        return () => void remove.call(t, name, listener);
      };
    }
  }
  throw new TypeError('fromEvent: target must be an EventTarget (addEventListener/removeEventListener) or an EventEmitter (on/off)');
}
