import { range, skip } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// skip: one TCK run per factory (RxJava's per-operator TCK classes).
publisherVerification('skip', coreOptions({
  createPublisher: (n) => range(0, count(n) + 5).pipe(skip(5)),
}));
