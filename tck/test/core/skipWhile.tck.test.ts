import { range, skipWhile } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// skipWhile: three leading negatives are dropped (each replaced by a request(1) upstream), then n elements pass.
publisherVerification('skipWhile', coreOptions({
  createPublisher: (n) => range(-3, count(n) + 3).pipe(skipWhile((x) => x < 0)),
}));
