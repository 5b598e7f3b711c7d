// Adapter module for `sluice-tck publisher`: exposes rsocket-flowable's Flowable (a third-party Reactive Streams
// implementation from npm) through the exports the TCK CLI looks for. Nothing here fixes or wraps its behaviour:
// the verification must see the library exactly as its users do.
import rsocket from 'rsocket-flowable';

const { Flowable } = rsocket;

// Flowable.just(...values) takes its elements as arguments, so keep the counts modest: tests that need more
// elements (the 2^31 - 1 element §3.17 overflow test) are skipped with a reason instead.
export const maxElementsFromPublisher = 4096;

/** A Flowable of exactly `elements` integers, then onComplete. */
export function createPublisher(elements) {
  return Flowable.just(...Array.from({ length: elements }, (_, i) => i));
}

/** rsocket's failed publisher. (It signals onError only once something is requested; the TCK will say so.) */
export function createFailedPublisher() {
  return Flowable.error(new Error('rsocket-flowable failed publisher'));
}
