import { range, timeout } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// timeout: a timer that never fires here, and must be released on cancel (§3.13).
publisherVerification('timeout', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(timeout(60_000)),
}));
