import { distinctUntilChanged, map, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// distinctUntilChanged: one TCK run per factory (RxJava's per-operator TCK classes).
publisherVerification('distinctUntilChanged', coreOptions({
  createPublisher: (n) => range(0, count(n) * 2).pipe(map((x) => x >> 1), distinctUntilChanged()),
}));
