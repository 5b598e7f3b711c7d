import { concatWith, mergeWith, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// mergeWith/concatWith: two halves (an unbounded publisher is the first input alone).
const half = (n: number): number => (count(n) === Infinity ? Infinity : n >> 1);
const rest = (n: number): number => (count(n) === Infinity ? 0 : n - (n >> 1));

publisherVerification('mergeWith', coreOptions({
  createPublisher: (n) => range(0, half(n)).pipe(mergeWith(range(0, rest(n)))),
}));

publisherVerification('concatWith', coreOptions({
  createPublisher: (n) => range(0, half(n)).pipe(concatWith(range(0, rest(n)))),
}));
