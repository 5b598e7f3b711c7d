import { range, timeInterval, timestamp } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// timestamp/timeInterval: one stamped element per source element.
publisherVerification('timestamp', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(timestamp()),
}));

publisherVerification('timeInterval', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(timeInterval()),
}));
