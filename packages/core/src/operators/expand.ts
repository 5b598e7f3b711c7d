import { flowOf, type Flow, type Operator } from '../Flow';
import { requirePositiveBound } from '../internal/demand';
import { DrainSubscription } from '../internal/DrainSubscription';
import { nullArgumentError, nullResultError, toError } from '../internal/errors';
import { toFlow } from '../internal/lift';
import { reportLateError } from '../internal/report';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';

export interface ExpandOptions {
  /**
   * The most publishers (the source and the inners) subscribed at once, that is, the depth of the expansion still
   * running. An inner that completes leaves at once, wherever it is, so a pagination (each page's inner emits one
   * item and completes) stays at depth 2 however many pages it walks. Default 1024. **Full behaviour**: projecting
   * an item when `maxDepth` publishers are live cancels everything and signals {@link ExpandDepthError}: the
   * recursion is cut with an error, never queued without a bound and never silently truncated.
   */
  maxDepth?: number;
}

export const DEFAULT_EXPAND_DEPTH = 1024;

/** Signalled by {@link expand} when an expansion would go deeper than its `maxDepth`. */
export class ExpandDepthError extends Error {
  readonly maxDepth: number;
  constructor(maxDepth: number) {
    super(`expand: maxDepth ${maxDepth} reached: ${maxDepth} publishers are still running and one more item was to be expanded; raise maxDepth or make the inners complete`);
    this.name = 'ExpandDepthError';
    this.maxDepth = maxDepth;
  }

  /** Always `'ERR_SLUICE_EXPAND_DEPTH'`. */
  get code(): 'ERR_SLUICE_EXPAND_DEPTH' {
    return 'ERR_SLUICE_EXPAND_DEPTH';
  }
}

/**
 * Emits every source item and, recursively, every item of `project(item)`: each item that comes out is projected
 * again, until the projections return empty publishers. Depth first: an item's whole expansion is emitted before
 * the next item of the same publisher.
 *
 * ```
 * source:                           1             |
 * expand(x => x < 8 ? of(x * 2) : empty()):  1 2 4 8 |
 * source:                           a       b |
 * expand(x => children(x)):         a a1 a2 b b1 |   (a1, a2 expanded, as leaves, before b)
 * ```
 *
 * **Demand**: exactly one item is outstanding at a time, asked only while downstream has credit: from the deepest
 * live publisher (the last one subscribed); the publishers below it wait, asked for nothing, until it completes. So
 * nothing is buffered but the one item being emitted and then projected, and a slow consumer slows the whole
 * expansion down. **Bound**: at most `maxDepth` publishers live at once (see {@link ExpandOptions.maxDepth}; full
 * behaviour: {@link ExpandDepthError}). **Errors**: `project` throwing or returning something that is not a
 * Publisher, and any error of the source or of an inner, cancel every live publisher and signal `onError`.
 * **Cancellation**: cancels every live publisher and releases them (§3.13). **Completion**: when the source and
 * every inner have completed.
 *
 * @example
 * // walk a paginated API, one page at a time, as fast as the consumer reads
 * from(getPage(1)).pipe(expand((page) => (page.next ? from(getPage(page.next)) : empty())));
 */
export function expand<T>(project: (value: T, index: number) => Publisher<T>, options: ExpandOptions = {}): Operator<T, T> {
  if (typeof project !== 'function') throw new TypeError(`expand: project must be a function, got ${typeof project}`);
  const maxDepth = requirePositiveBound('expand: maxDepth', options.maxDepth ?? DEFAULT_EXPAND_DEPTH);
  return (source: Publisher<T>): Flow<T> => {
    const flow = toFlow(source);
    return flowOf<T>((downstream) => {
      const subscription = new ExpandSubscription<T>(downstream, project, maxDepth);
      downstream.onSubscribe(subscription);
      subscription.start(flow);
    });
  };
}

/** One live publisher of the expansion, linked to the one below it (subscribed before it) and above it. */
class Frame<T> implements Subscriber<T> {
  subscription: Subscription | null = null;
  /** True while this frame's request(1) is unanswered. */
  asked = false;
  below: Frame<T> | null;
  above: Frame<T> | null = null;
  owner: ExpandSubscription<T> | null;
  /** The stage cancelled this frame while it was live (ADR 0012: its late error is dropped); `ended`: it terminated. */
  cancelledLive = false;
  ended = false;

  constructor(owner: ExpandSubscription<T>, below: Frame<T> | null) {
    this.owner = owner;
    this.below = below;
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.owner === null || this.subscription !== null) return subscription.cancel(); // §2.5, or released
    this.subscription = subscription;
    this.owner.frameReady();
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    this.asked = false;
    this.owner?.frameNext(value);
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    const owner = this.owner;
    if (owner === null || this.ended) return reportLateError(error, this.cancelledLive && !this.ended); // else §1.7
    this.ended = true;
    owner.frameError(error);
  }

  onComplete(): void {
    this.owner?.frameComplete(this);
  }
}

class ExpandSubscription<T> extends DrainSubscription<T> {
  private project: ((value: T, index: number) => Publisher<T>) | null;
  /** The deepest live frame; the others hang below it. */
  private top: Frame<T> | null = null;
  private depth = 0;
  /** The one item received and not yet emitted and projected. */
  private held: T | null = null;
  private error: Error | null = null;
  private index = 0;
  private started = false;

  constructor(downstream: Subscriber<T>, project: (value: T, index: number) => Publisher<T>, private readonly maxDepth: number) {
    super(downstream);
    this.project = project;
  }

  start(source: Flow<T>): void {
    if (this.cancelled) return;
    this.push(source);
    this.started = true;
    this.drain();
  }

  /** @internal */
  frameReady(): void {
    this.drain();
  }

  /** @internal */
  frameNext(value: T): void {
    this.held = value;
    this.drain();
  }

  /** @internal */
  frameError(error: Error): void {
    if (this.error === null) this.error = error;
    this.drain();
  }

  /** @internal an inner (or the source) is done: it leaves the stack wherever it is. */
  frameComplete(frame: Frame<T>): void {
    if (frame.owner === null) return;
    frame.owner = null;
    frame.subscription = null;
    if (frame.above === null) this.top = frame.below;
    else frame.above.below = frame.below;
    if (frame.below !== null) frame.below.above = frame.above;
    frame.above = frame.below = null;
    this.depth--;
    this.drain();
  }

  protected emitSome(downstream: Subscriber<T>): void {
    for (;;) {
      if (this.error !== null) return this.fail(this.error);
      const held = this.held;
      if (held !== null) {
        this.held = null;
        this.requested--; // asked only with credit, so requested > 0 here (§1.1)
        downstream.onNext(held);
        if (this.cancelled) return;
        if (this.depth >= this.maxDepth) return this.fail(new ExpandDepthError(this.maxDepth));
        let inner: Flow<T>;
        try {
          const result = this.project!(held, this.index++);
          if (result == null) throw nullResultError('expand', 'project function', result);
          inner = toFlow(result);
        } catch (thrown) {
          return this.fail(toError(thrown));
        }
        this.push(inner);
        continue;
      }
      const top = this.top;
      if (top === null) {
        if (this.started) this.complete(); // the source and every inner completed
        return;
      }
      if (top.subscription === null || top.asked || this.requested === 0) return;
      top.asked = true;
      top.subscription.request(1); // may answer at once: the item is then held and this loop goes round again
    }
  }

  private push(publisher: Flow<T>): void {
    const frame = new Frame<T>(this, this.top);
    if (this.top !== null) this.top.above = frame;
    this.top = frame;
    this.depth++;
    publisher.subscribe(frame);
  }

  protected override dispose(): void {
    this.project = null;
    this.held = null;
    let frame = this.top;
    this.top = null;
    while (frame !== null) {
      const below = frame.below;
      const subscription = frame.subscription;
      frame.owner = null; // §3.13
      frame.cancelledLive = true;
      frame.subscription = frame.below = frame.above = null;
      subscription?.cancel();
      frame = below;
    }
  }
}
