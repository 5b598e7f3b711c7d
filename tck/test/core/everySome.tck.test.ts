import { every, range, skip, some } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions } from './base';

// every/some: one boolean. `every` answers false at the first failing item of an unbounded source (cancelling it);
// `some` answers true likewise; the empty publisher skips the answer.
publisherVerification('every', coreOptions({
  maxElementsFromPublisher: 1,
  createPublisher: (n) => (n === 0 ? range(0, 5).pipe(every((x) => x < 10), skip(1)) : range(0, Infinity).pipe(every((x) => x < 10))),
}));

publisherVerification('some', coreOptions({
  maxElementsFromPublisher: 1,
  createPublisher: (n) => (n === 0 ? range(0, 5).pipe(some((x) => x > 10), skip(1)) : range(0, Infinity).pipe(some((x) => x > 10))),
}));
