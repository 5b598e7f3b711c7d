import { defaultIfEmpty, range, skip } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// defaultIfEmpty: one element is the default itself (an empty source), more pass through untouched; the empty
// publisher skips the default.
publisherVerification('defaultIfEmpty', coreOptions({
  createPublisher: (n) => (n === 0
    ? range(0, 0).pipe(defaultIfEmpty(-1), skip(1))
    : range(0, n === 1 ? 0 : count(n)).pipe(defaultIfEmpty(-1))),
}));
