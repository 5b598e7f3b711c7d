// Shared by the late-error suites (test/internal/lateErrors*.test.ts, ADR 0012): a source that keeps signalling after
// it was cancelled, and the two channels an error after the end can go to.
import { Flow, flowOf } from '../../src/Flow';
import type { Subscriber } from '../../src/spec/Subscriber';
import { captureReportedErrors } from '../../src/testing/reportedErrors';

/**
 * A trusted (sluice) source that keeps signalling after it was cancelled or after its own end, as §2.8/§3.12 allow
 * for signals already in flight: the only way an error reaches a stage's own late-error branch (the boundary adapter
 * in front of a foreign publisher drops such errors before any stage sees them).
 */
export class LateSource<T> {
  subscriber: Subscriber<T> | null = null;
  cancelled = false;
  readonly requests: number[] = [];
  readonly flow: Flow<T> = flowOf<T>((subscriber) => {
    this.subscriber = subscriber;
    subscriber.onSubscribe({
      request: (n) => {
        this.requests.push(n);
      },
      cancel: () => {
        this.cancelled = true;
      },
    });
  });

  next(...values: T[]): void {
    for (const value of values) this.subscriber!.onNext(value);
  }
  error(error: Error): void {
    this.subscriber!.onError(error);
  }
  complete(): void {
    this.subscriber!.onComplete();
  }
}

/** Runs `scenario`, then returns what went to each channel (ADR 0012). */
export function channels(scenario: () => void): { reported: unknown[]; dropped: unknown[] } {
  const captured = captureReportedErrors();
  try {
    scenario();
    return { reported: [...captured.errors], dropped: [...captured.dropped] };
  } finally {
    captured.restore();
  }
}

export const late = new Error('late');
export const DROPPED = { reported: [], dropped: [late] };
export const REPORTED = { reported: [late], dropped: [] };
