import { toFlow } from '../internal/lift';
import type { Publisher } from '../spec/Publisher';
import { BaseSubscriber } from './BaseSubscriber';

// The option helpers live in a leaf module (Flow.ts reaches them through its async iterator, and this module imports
// `lift`); they are re-exported here for the sinks that import them with PromiseSubscriber.
export { requireAbortSignal, requireOptions, type SinkOptions } from './sinkOptions';

/**
 * The shared base of the promise sinks (forEach, toArray, firstValue, lastValue): one promise settled exactly once,
 * and an optional AbortSignal that cancels upstream and rejects with the abort reason. Not exported from the package.
 */
export abstract class PromiseSubscriber<T, R> extends BaseSubscriber<T> {
  private resolveFn: ((value: R) => void) | null = null;
  private rejectFn: ((reason: unknown) => void) | null = null;
  private signal: AbortSignal | undefined;
  private readonly onAbort: () => void;
  readonly promise: Promise<R>;

  constructor(signal: AbortSignal | undefined) {
    super();
    this.signal = signal;
    this.onAbort = () => this.abort();
    this.promise = new Promise<R>((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
  }

  /** True once the promise is resolved or rejected. */
  protected get settled(): boolean {
    return this.resolveFn === null;
  }

  /** Subscribes (unless the signal is already aborted) and returns the promise. */
  start(source: Publisher<T>): Promise<R> {
    const flow = toFlow(source); // throws for a non-Publisher before anything is registered
    const signal = this.signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        this.cancel();
        this.rejectWith(signal.reason);
        return this.promise;
      }
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
    flow.subscribe(this);
    return this.promise;
  }

  protected resolveWith(value: R): void {
    const resolve = this.resolveFn;
    if (resolve === null) return;
    this.release();
    resolve(value);
  }

  protected rejectWith(reason: unknown): void {
    const reject = this.rejectFn;
    if (reject === null) return;
    this.release();
    reject(reason);
  }

  /** Upstream errors reject the promise; subclasses that buffer override this to reject after their queue. */
  protected override hookOnError(error: Error): void {
    this.rejectWith(error);
  }

  /** The abort signal fired: cancel upstream, drop what is buffered, reject with the reason. */
  protected abort(): void {
    const reason = this.signal?.reason;
    this.cancel();
    this.rejectWith(reason);
  }

  private release(): void {
    this.resolveFn = null;
    this.rejectFn = null;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.signal = undefined;
  }
}
