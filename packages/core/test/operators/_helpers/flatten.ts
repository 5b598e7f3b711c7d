// Shared helpers for the tests of the combining operators (mergeMap, concatMap, merge, concat, zip).
import type { Publisher } from '../../../src/spec/Publisher';
import type { Subscriber } from '../../../src/spec/Subscriber';
import { TestPublisher } from '../../../src/testing/TestPublisher';

/**
 * Wraps `publisher` so that every request(n) and cancel its subscriber sends is written into `log` as
 * `<name>.request(n)` / `<name>.cancel`, interleaved with the downstream TestSubscriber's own entries.
 */
export function recorded<T>(name: string, publisher: Publisher<T>, log: string[]): Publisher<T> {
  return {
    subscribe(subscriber: Subscriber<T>) {
      publisher.subscribe({
        onSubscribe: (subscription) =>
          subscriber.onSubscribe({
            request: (n) => {
              log.push(`${name}.request(${n})`);
              subscription.request(n);
            },
            cancel: () => {
              log.push(`${name}.cancel`);
              subscription.cancel();
            },
          }),
        onNext: (value) => subscriber.onNext(value),
        onError: (error) => subscriber.onError(error),
        onComplete: () => subscriber.onComplete(),
      });
    },
  };
}

/** `count` manually driven publishers. */
export function testPublishers<T>(count: number): TestPublisher<T>[] {
  return Array.from({ length: count }, () => new TestPublisher<T>());
}

/** An asynchronous publisher: emits `values` one per macrotask as demand allows, then completes. */
export function asyncPublisher<T>(values: readonly T[]): Publisher<T> {
  return {
    subscribe(subscriber: Subscriber<T>) {
      let index = 0;
      let requested = 0;
      let cancelled = false;
      let scheduled = false;
      const step = () => {
        scheduled = false;
        if (cancelled) return;
        if (index === values.length) {
          cancelled = true;
          subscriber.onComplete();
          return;
        }
        if (requested === 0) return;
        requested--;
        subscriber.onNext(values[index++]!);
        schedule();
      };
      const schedule = () => {
        if (scheduled || cancelled) return;
        scheduled = true;
        setTimeout(step, 0);
      };
      subscriber.onSubscribe({
        request: (n) => {
          requested += n;
          schedule();
        },
        cancel: () => {
          cancelled = true;
        },
      });
      if (values.length === 0) schedule();
    },
  };
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Forces collections across macrotasks (WeakRef targets survive the current job) and says whether `ref` died. */
export async function isReleased(ref: WeakRef<object>): Promise<boolean> {
  if (gc === undefined) throw new Error('reference-release tests need node --expose-gc (set in vitest.config.ts)');
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  return ref.deref() === undefined;
}

/** A small deterministic PRNG (mulberry32), so a failing random interleaving can be replayed from its seed. */
export function seededRandom(seed: number): (below: number) => number {
  let a = seed >>> 0;
  return (below) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}
