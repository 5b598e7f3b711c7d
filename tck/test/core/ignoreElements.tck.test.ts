import { concat, ignoreElements, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// ignoreElements: alone it is a publisher of exactly 0 elements; it is also verified in front of a concat, where
// its completion (after dropping 5 items it asked for itself) must hand over to the next source.
publisherVerification('ignoreElements', coreOptions({
  maxElementsFromPublisher: 0,
  createPublisher: () => range(0, 5).pipe(ignoreElements()),
}));

publisherVerification('ignoreElements (then concat)', coreOptions({
  createPublisher: (n) => concat(range(0, 5).pipe(ignoreElements()), range(0, count(n))),
}));
