import { range, scan } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// scan: one TCK run per factory (RxJava's per-operator TCK classes).
publisherVerification('scan', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(scan((acc, x) => acc + x, 0)),
}));
