import { range, of, withLatestFrom } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// withLatestFrom: the other input is a constant that is known before the first source item, so each of the n
// source items yields one combination.
publisherVerification('withLatestFrom', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(withLatestFrom(of('x'))),
}));
