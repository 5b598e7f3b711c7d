import { publish, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// publish: verified through autoConnect (connects on the first subscriber), so each TCK test gets a live connection.
publisherVerification('publish', coreOptions({
  createPublisher: (n) => publish<number>({ prefetch: 16 })(range(0, count(n))).autoConnect(),
}));
