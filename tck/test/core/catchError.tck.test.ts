import { catchError, concat, empty, fail, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// catchError: one TCK run per factory (RxJava's per-operator TCK classes).
publisherVerification('catchError', coreOptions({
  createPublisher: (n) => concat(range(0, count(n)), fail<number>(new Error('recovered'))).pipe(catchError(() => empty<number>())),
}));
