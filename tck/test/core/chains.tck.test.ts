import {
  buffer, catchError, concatMap, defer, distinctUntilChanged, empty, filter, from, limitRate, map, mergeMap, of,
  onBackpressureBuffer, range, scan, skip, take, takeWhile, tap, zip,
} from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import { coreOptions, count } from './base';

// Long composed chains (Reactor's AbstractFluxVerification): the per-factory runs prove each stage, these prove
// that demand, cancellation and errors survive many stages in a row.

publisherVerification('chain: range → map → filter → scan → take → concatMap → buffer → map', coreOptions({
  createPublisher: (n) => range(0, Infinity).pipe(
    map((x) => x * 2), filter((x) => x % 4 === 0), scan((a, x) => a + x, 0), take(count(n) * 2),
    concatMap((x) => of(x)), buffer(2), map((pair) => pair[0]!),
  ),
}));

publisherVerification('chain: mergeMap → limitRate → onBackpressureBuffer → distinctUntilChanged → skip', coreOptions({
  createPublisher: (n) => range(0, count(n) + 3).pipe(
    mergeMap((x) => from([x, x]), { concurrency: 2 }), limitRate(8), onBackpressureBuffer(), distinctUntilChanged(), skip(3),
  ),
}));

publisherVerification('chain: defer → zip → catchError → tap → takeWhile → map', coreOptions({
  createPublisher: (n) => defer(() => zip(range(0, count(n)), range(100, Infinity))).pipe(
    catchError(() => empty<[number, number]>()), tap(() => {}), takeWhile(() => true), map(([a]) => a),
  ),
}));
