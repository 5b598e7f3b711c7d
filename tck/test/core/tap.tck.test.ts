import { range, tap } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// tap: one TCK run per factory (RxJava's per-operator TCK classes).
publisherVerification('tap', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(tap(() => {})),
}));
