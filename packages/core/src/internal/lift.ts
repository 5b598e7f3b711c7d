import { Flow, type LiftFunction } from '../Flow';
import type { Publisher } from '../spec/Publisher';
import { adaptPublisher } from './adaptPublisher';

/**
 * Builds the Flow of one operator stage. A foreign Publisher (anything that is not a sluice Flow) is first wrapped
 * in a strict adapter that enforces the rules at the boundary, so operator code can trust its upstream.
 */
export function lift<A, B>(source: Publisher<A>, lifter: LiftFunction<A, B>): Flow<B> {
  return new Flow<B>(null, toFlow(source), lifter);
}

/** Returns a sluice Flow for any Publisher: itself if it already is one, otherwise a strict adapter. */
export function toFlow<T>(source: Publisher<T>): Flow<T> {
  if (source instanceof Flow) return source;
  if (source == null || typeof (source as Publisher<T>).subscribe !== 'function') {
    throw new TypeError(`expected a Publisher (an object with subscribe(subscriber)), got ${String(source)}`);
  }
  return new Flow<T>(adaptPublisher(source));
}

/** The arguments of a combining source (`merge`, `concat`, `zip`, `combineLatest`) as Flows, checked at assembly. */
export function toFlows<T>(operator: string, publishers: readonly Publisher<T>[]): Flow<T>[] {
  return publishers.map((p, i) => {
    if (p == null || typeof p.subscribe !== 'function') throw new TypeError(`${operator}: argument ${i} is not a Publisher`);
    return toFlow(p);
  });
}
