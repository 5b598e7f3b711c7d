import { Flow } from '../Flow';
import { ArraySubscription } from './ArraySubscription';

/**
 * A Flow over a fixed array, for the combinators that feed their arguments into a shared engine as an ordinary
 * upstream (`merge`'s publishers, `startWith`'s and `endWith`'s items): the same `ArraySubscription` as `of` and
 * `from(array)`. `source` names the operator in a §2.13 error. Kept apart from ArraySubscription.ts because that
 * module is on `from`'s import path and must not import Flow (test/importCycles.test.ts). Internal: the public
 * `from` lives in sources/.
 */
export function arraySource<T>(items: readonly T[], source: string): Flow<T> {
  return new Flow<T>((subscriber) => new ArraySubscription(subscriber, items, source).begin());
}
