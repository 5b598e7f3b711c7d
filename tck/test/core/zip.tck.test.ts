import { map, range, zip } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// zip: the shorter source decides the length.
publisherVerification('zip', coreOptions({
  createPublisher: (n) => zip(range(0, count(n)), range(0, count(n) + 3)).pipe(map(([a]) => a)),
}));
