import { range, takeWhile } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// takeWhile: one TCK run per factory (RxJava's per-operator TCK classes).
publisherVerification('takeWhile', coreOptions({
  createPublisher: (n) => range(0, Infinity).pipe(takeWhile((x) => x < count(n))),
}));
