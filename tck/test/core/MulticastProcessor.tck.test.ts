import { fail, MulticastProcessor } from '@sluice/core';
import { processorVerification } from '@sluice/tck/vitest';
import { coreEnv } from './base';

// MulticastProcessor: the identity processor verification. Subscribers are served independently from the shared
// buffer (a subscriber with demand does not wait for one without), so emission is not coordinated.
processorVerification('MulticastProcessor', {
  createIdentityProcessor: (bufferSize) => new MulticastProcessor<number>({ capacity: bufferSize }),
  createElement: (i) => i,
  createFailedPublisher: () => fail(new Error('sluice-tck: failed publisher')),
  doesCoordinatedEmission: false,
  env: coreEnv,
});
