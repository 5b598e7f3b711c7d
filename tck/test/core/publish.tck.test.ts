import { publish, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// publish: verified through autoConnect (connects on the first subscriber), so each TCK test gets a live connection.
publisherVerification('publish', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(publish({ prefetch: 16 })).autoConnect(),
}));
