import { Flow } from '../../src/Flow';
import type { Publisher } from '../../src/spec/Publisher';

/**
 * Wraps a source in a sluice Flow that records, in one flat log, every signal crossing the boundary between the source
 * and the sink under test: what the sink requested and cancelled, what it received. `inFlight` is the inspectable depth
 * for slow-consumer tests: items delivered to the sink minus items the test marked as finished.
 */
export class SignalSpy {
  readonly log: string[] = [];
  readonly requests: number[] = [];
  delivered = 0;
  finished = 0;
  maxInFlight = 0;
  recordNext = true;

  get inFlight(): number {
    return this.delivered - this.finished;
  }

  /** The test's consumer calls this when it is completely done with one item. */
  done(): void {
    this.finished++;
  }

  wrap<T>(source: Publisher<T>): Flow<T> {
    return new Flow<T>((subscriber) => {
      source.subscribe({
        onSubscribe: (subscription) =>
          subscriber.onSubscribe({
            request: (n) => {
              this.log.push(`request(${n})`);
              this.requests.push(n);
              subscription.request(n);
            },
            cancel: () => {
              this.log.push('cancel');
              subscription.cancel();
            },
          }),
        onNext: (value) => {
          if (this.recordNext) this.log.push(`next(${String(value)})`);
          this.delivered++;
          if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
          subscriber.onNext(value);
        },
        onError: (error) => {
          this.log.push(`error(${error.message})`);
          subscriber.onError(error);
        },
        onComplete: () => {
          this.log.push('complete');
          subscriber.onComplete();
        },
      });
    });
  }
}

/** A sluice source that fails with `error` after emitting `values` (on demand). */
export function failAfter<T>(values: T[], error: Error): Flow<T> {
  return new Flow<T>((subscriber) => {
    let index = 0;
    let requested = 0;
    let done = false;
    let emitting = false;
    subscriber.onSubscribe({
      request: (n) => {
        if (done) return;
        requested += n;
        if (emitting) return;
        emitting = true;
        while (!done && requested > 0 && index < values.length) {
          requested--;
          subscriber.onNext(values[index++]!);
        }
        emitting = false;
        if (!done && index === values.length) {
          done = true;
          subscriber.onError(error);
        }
      },
      cancel: () => {
        done = true;
      },
    });
    if (!done && values.length === 0) {
      done = true;
      subscriber.onError(error);
    }
  });
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Forces collections across macrotasks (WeakRef targets survive until the current job ends). */
export async function collectGarbage(): Promise<void> {
  if (gc === undefined) throw new Error('reference-release tests need node --expose-gc (set in vitest.config.ts)');
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
}

export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
