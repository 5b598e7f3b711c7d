import { createMetricsRegistry, metrics, name, onBackpressureBuffer, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// metrics: registers the named and (with `all`) the inspectable stages of the chain; a registry per publisher.
publisherVerification('metrics', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(name('tck'), onBackpressureBuffer(), metrics(createMetricsRegistry(), { all: true })),
}));
