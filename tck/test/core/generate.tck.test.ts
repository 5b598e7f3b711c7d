import { generate } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// generate: one TCK run per factory (RxJava's per-operator TCK classes).
publisherVerification('generate', coreOptions({
  createPublisher: (n) => generate<number, number>(0, (i, emit) => (i < count(n) ? emit.next(i) : emit.complete(), i + 1)),
}));
