import { fail } from '@sluice/core';
import type { PublisherVerificationOptions, TestEnvironment } from '@sluice/tck';

// Shared defaults of the per-factory TCK runs over @sluice/core (RxJava's BaseTck): short silence windows (every
// core publisher here is in-memory or ticks every millisecond), a failed publisher from `fail`, and the unbounded
// mapping (the TCK asks for Number.MAX_SAFE_INTEGER elements when it means "infinite").

export const coreEnv: Partial<TestEnvironment> = {
  defaultTimeoutMillis: 1_000,
  defaultNoSignalsTimeoutMillis: 15,
  publisherReferenceGCTimeoutMillis: 20,
};

type CoreOptions<T> = PublisherVerificationOptions<T> & { only?: string[]; env?: Partial<TestEnvironment> };

export function coreOptions<T>(options: CoreOptions<T>): CoreOptions<T> {
  return { createFailedPublisher: () => fail(new Error('sluice-tck: failed publisher')), env: coreEnv, ...options };
}

/** The element count to build: Infinity when the TCK means an unbounded publisher. */
export function count(n: number): number {
  return n >= Number.MAX_SAFE_INTEGER ? Infinity : n;
}

export function* naturals(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}
