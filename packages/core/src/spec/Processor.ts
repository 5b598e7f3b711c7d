import type { Publisher } from './Publisher';
import type { Subscriber } from './Subscriber';

/** A processing stage that is both a Subscriber and a Publisher and obeys both contracts (§4.1). */
export interface Processor<T, R> extends Subscriber<T>, Publisher<R> {}
