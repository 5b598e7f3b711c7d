import { range, skip, throwIfEmpty } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// throwIfEmpty: a non-empty source passes through; the failed publisher is throwIfEmpty over an empty source. The
// 0-element publisher skips the one item of a non-empty source (an empty source would fail, by design).
publisherVerification('throwIfEmpty', coreOptions({
  createPublisher: (n) => (n === 0 ? range(0, 1).pipe(throwIfEmpty(), skip(1)) : range(0, count(n)).pipe(throwIfEmpty())),
  createFailedPublisher: () => range(0, 0).pipe(throwIfEmpty()),
}));
