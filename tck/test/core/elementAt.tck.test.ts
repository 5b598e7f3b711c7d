import { elementAt, range, skip } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions } from './base';

// elementAt: the element at index 5 of an unbounded source (the source is cancelled once it is found), or the
// default when the source is too short; the empty publisher skips that one element.
publisherVerification('elementAt', coreOptions({
  maxElementsFromPublisher: 1,
  createPublisher: (n) => (n === 0 ? range(0, 2).pipe(elementAt(5, { defaultValue: -1 }), skip(1)) : range(0, Infinity).pipe(elementAt(5))),
}));
