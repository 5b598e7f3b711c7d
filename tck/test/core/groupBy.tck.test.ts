import { groupBy, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// groupBy: one group per element; a group stays open until the source completes and at most maxGroups (256) may be open.
publisherVerification('groupBy', coreOptions({
  maxElementsFromPublisher: 256,
  createPublisher: (n) => range(0, count(n)).pipe(groupBy((x) => x)),
}));
