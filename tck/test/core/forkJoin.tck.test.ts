import { forkJoin, map, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions } from './base';

// forkJoin: one joined element; an input that completes empty makes the result complete empty.
publisherVerification('forkJoin', coreOptions({
  maxElementsFromPublisher: 1,
  createPublisher: (n) => forkJoin(range(0, 3), range(0, n === 0 ? 0 : 5)).pipe(map(([a, b]) => a + b)),
}));

publisherVerification('forkJoin (record)', coreOptions({
  maxElementsFromPublisher: 1,
  createPublisher: (n) => forkJoin({ a: range(0, 3), b: range(0, n === 0 ? 0 : 5) }),
}));
