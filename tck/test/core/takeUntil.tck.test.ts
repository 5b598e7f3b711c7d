import { never, range, takeUntil } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// takeUntil: a notifier that never fires (a silent publisher, then an AbortSignal that is never aborted), so the
// source's n elements pass and the notifier's subscription must not disturb demand or completion.
publisherVerification('takeUntil (notifier)', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(takeUntil(never())),
}));

publisherVerification('takeUntil (AbortSignal)', coreOptions({
  createPublisher: (n) => range(0, count(n)).pipe(takeUntil(new AbortController().signal)),
}));
