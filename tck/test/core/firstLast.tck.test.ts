import { first, last, range, skip } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions } from './base';

// first/last: one element; for the empty publisher the one element is skipped (first/last of an empty source
// fail, so emptiness is made downstream of them).
publisherVerification('first', coreOptions({
  maxElementsFromPublisher: 1,
  createPublisher: (n) => (n === 0 ? range(0, 3).pipe(first(), skip(1)) : range(0, Infinity).pipe(first((x) => x >= 2))),
}));

publisherVerification('first (default)', coreOptions({
  maxElementsFromPublisher: 1,
  createPublisher: (n) => (n === 0 ? range(0, 0).pipe(first({ defaultValue: -1 }), skip(1)) : range(0, 0).pipe(first({ defaultValue: -1 }))),
}));

publisherVerification('last', coreOptions({
  maxElementsFromPublisher: 1,
  createPublisher: (n) => (n === 0 ? range(0, 3).pipe(last(), skip(1)) : range(0, 10).pipe(last((x) => x % 2 === 0))),
}));
