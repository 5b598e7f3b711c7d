/**
 * The Reactive Streams API, restated here so the TCK depends on no library (the JVM TCK depends only on the `api`
 * artifact for the same reason). Structurally identical to `@sluice/core`'s types and to any other RS library's.
 */
export interface Subscription {
  request(n: number): void;
  cancel(): void;
}

export interface Subscriber<T> {
  onSubscribe(subscription: Subscription): void;
  onNext(value: T): void;
  onError(error: Error): void;
  onComplete(): void;
}

export interface Publisher<T> {
  subscribe(subscriber: Subscriber<T>): void;
}

export interface Processor<T, R> extends Subscriber<T>, Publisher<R> {}
