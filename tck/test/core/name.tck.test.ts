import { createMetricsRegistry, name, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// name: a pass-through stage that registers its subscriptions with a metrics registry.
publisherVerification('name', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(name('tck', { registry: createMetricsRegistry() })),
}));
