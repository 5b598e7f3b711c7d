import { Subscriber } from 'rxjs';

/** The callbacks an RxSink forwards to. */
export interface RxSinkHandlers<T> {
  next(value: T): void;
  error(error: unknown): void;
  complete(): void;
}

/**
 * An RxJS Subscriber that forwards to plain callbacks. It is a real `Subscriber` (not a partial observer) so that
 * `unsubscribe()` works even while the Observable is still inside a synchronous `subscribe` burst: RxJS's
 * synchronous sources (`from(array)`, `range`) check `subscriber.closed` between items, which is how a bounded
 * bridge stops a million-item synchronous Observable after the first overflow instead of after the millionth item.
 */
export class RxSink<T> extends Subscriber<T> {
  private handlers: RxSinkHandlers<T> | null;

  constructor(handlers: RxSinkHandlers<T>) {
    super();
    this.handlers = handlers;
  }

  protected override _next(value: T): void {
    this.handlers?.next(value);
  }

  protected override _error(error: unknown): void {
    const handlers = this.handlers;
    this.unsubscribe();
    handlers?.error(error);
  }

  protected override _complete(): void {
    const handlers = this.handlers;
    this.unsubscribe();
    handlers?.complete();
  }

  override unsubscribe(): void {
    super.unsubscribe();
    this.handlers = null; // release the bridge once the Observable side is done with it
  }
}
