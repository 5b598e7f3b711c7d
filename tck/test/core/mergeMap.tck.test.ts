import { mergeMap, of, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// mergeMap: one TCK run per factory (RxJava's per-operator TCK classes).
publisherVerification('mergeMap', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(mergeMap((x) => of(x))),
}));
