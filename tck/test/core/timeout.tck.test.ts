import { range, timeout } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// timeout: a budget the in-memory source always meets; the clock runs only while an item is owed.
publisherVerification('timeout', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(timeout(5_000)),
}));
