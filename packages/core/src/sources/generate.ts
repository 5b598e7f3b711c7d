import { Flow } from '../Flow';
import { DrainSubscription } from '../internal/DrainSubscription';
import { toError, withCode } from '../internal/errors';
import type { Subscriber } from '../spec/Subscriber';

/** What a `generate` generator uses to signal, synchronously, during one call. */
export interface GenerateEmitter<T> {
  /** Emits one item. At most once per call: each call answers one unit of demand. */
  next(value: T): void;
  /** Completes the stream, after this call's item if there is one. */
  complete(): void;
  /** Fails the stream with `error` (non-Errors are wrapped), after this call's item if there is one. */
  error(error: unknown): void;
}

/**
 * Builds a stream from a state machine: `generator(state, emit)` is called once per requested item and returns the
 * next state.
 *
 * ```
 * generate(1, (n, emit) => (n > 3 ? emit.complete() : emit.next(n), n + 1)):  1 2 3 |
 * ```
 *
 * Each call may `emit.next(x)` at most once, and may end the stream with `emit.complete()` or `emit.error(e)`
 * (after its item, if it emitted one). A call that emits nothing is allowed: the generator is simply called again.
 * `emit` is only valid during the call that received it; calling it later throws. `initialState` is shared by all
 * subscribers, so prefer immutable state (or build a mutable one inside the generator on first use).
 *
 * **Demand**: synchronous and pull-driven: the generator is called only while there is outstanding demand, inside
 * `request`, in a loop (no stack growth, however many items); an unbounded request runs an uncounted loop.
 * **Errors**: a throw from the generator (that call's item is discarded), `emit.error(e)`, a second `emit.next`, an
 * `emit` after `complete`/`error`, or `emit.next(null | undefined)` (§2.13) end the stream with `onError`; the
 * contract errors name the rule they break. **Cancellation**: the generator is not called again; state and generator
 * are released (§3.13).
 *
 * @example
 * // Fibonacci numbers below 100
 * generate([0, 1], ([a, b], emit) => (a < 100 ? emit.next(a) : emit.complete(), [b, a + b]));
 */
export function generate<S, T>(initialState: S, generator: (state: S, emit: GenerateEmitter<T>) => S): Flow<T> {
  if (typeof generator !== 'function') throw new TypeError(`generate: generator must be a function, got ${typeof generator}`);
  return new Flow<T>((subscriber) => {
    new GenerateSubscription(subscriber, initialState, generator).begin(); // §1.9
  });
}

/** The emitter handed to the generator; it also holds what one call signalled, checked after the call. */
class CallSignals<T> implements GenerateEmitter<T> {
  calling = false;
  hasItem = false;
  item: T | undefined = undefined;
  /** `true` for complete, an Error for error, null while the call did not end the stream. */
  ending: Error | true | null = null;
  misuse: Error | null = null;

  next(value: T): void {
    this.checkInCall('next');
    if (value == null) this.misuse ??= withCode(new TypeError(`§2.13: generate: emit.next(${String(value)}) is not an element`), 'ERR_SLUICE_NULL_SIGNAL');
    else if (this.hasItem) this.misuse ??= contractError('§1.1', 'emit.next() was called twice in one generator call');
    else if (this.ending !== null) this.misuse ??= afterEndError('next');
    else {
      this.item = value;
      this.hasItem = true;
    }
  }

  complete(): void {
    this.checkInCall('complete');
    if (this.ending !== null) this.misuse ??= afterEndError('complete');
    else this.ending = true;
  }

  error(error: unknown): void {
    this.checkInCall('error');
    if (this.ending !== null) this.misuse ??= afterEndError('error');
    else if (error == null) this.ending = withCode(new TypeError(`generate: emit.error(${String(error)}): an error is required`), 'ERR_SLUICE_NULL_SIGNAL');
    else this.ending = toError(error);
  }

  private checkInCall(method: string): void {
    if (!this.calling) throw withCode(new Error(`generate: emit.${method}() was called outside the generator call that received it`), 'ERR_SLUICE_MISUSE');
  }
}

function contractError(rule: string, what: string): Error {
  return withCode(new Error(`${rule}: generate: ${what}; each call answers one unit of demand: at most one item, then an optional end`), 'ERR_SLUICE_MISUSE');
}

function afterEndError(method: string): Error {
  return contractError('§1.7', `emit.${method}() was called after emit.complete() or emit.error()`);
}

class GenerateSubscription<S, T> extends DrainSubscription<T> {
  private state: S | undefined;
  private generator: ((state: S, emit: GenerateEmitter<T>) => S) | null;
  private readonly signals = new CallSignals<T>();

  constructor(downstream: Subscriber<T>, state: S, generator: (state: S, emit: GenerateEmitter<T>) => S) {
    super(downstream);
    this.state = state;
    this.generator = generator;
  }

  protected emitSome(downstream: Subscriber<T>): void {
    const signals = this.signals;
    const unbounded = this.requested === Infinity;
    while (unbounded || this.requested > 0) {
      signals.calling = true;
      try {
        this.state = this.generator!(this.state as S, signals);
      } catch (error) {
        return this.fail(toError(error));
      } finally {
        signals.calling = false;
      }
      if (signals.misuse !== null) return this.fail(signals.misuse);
      if (signals.hasItem) {
        const item = signals.item as T;
        signals.item = undefined;
        signals.hasItem = false;
        if (!unbounded) this.requested--;
        downstream.onNext(item);
        if (this.cancelled) return;
      }
      const ending = signals.ending;
      if (ending !== null) return ending === true ? this.complete() : this.fail(ending);
    }
  }

  protected override dispose(): void {
    this.state = undefined; // §3.13
    this.generator = null;
    this.signals.item = undefined;
  }
}
