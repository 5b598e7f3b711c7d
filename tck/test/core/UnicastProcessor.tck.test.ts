import { fail, UnicastProcessor } from '@sluice/core';
import { processorVerification } from '@sluice/tck/vitest';
import { coreEnv } from './base';

// UnicastProcessor: the identity processor verification (publisher + whitebox subscriber + the processor's own tests).
// One subscriber only (§1.11), so the two multi-subscriber tests are skipped by the TCK.
processorVerification('UnicastProcessor', {
  createIdentityProcessor: (bufferSize) => new UnicastProcessor<number>({ capacity: bufferSize }),
  createElement: (i) => i,
  createFailedPublisher: () => fail(new Error('sluice-tck: failed publisher')),
  maxSupportedSubscribers: 1,
  env: coreEnv,
});
