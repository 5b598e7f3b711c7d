import { distinct, map, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// distinct: every key comes twice in a row, so 2n source items make n distinct ones (each duplicate is replaced
// by a request(1) upstream) within a small key window.
publisherVerification('distinct', coreOptions({
  createPublisher: (n) => range(0, count(n) * 2).pipe(map((x) => x >> 1), distinct({ capacity: 4 })),
}));
