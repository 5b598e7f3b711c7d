import type { JetStreamEntry } from './entry';

export interface AutoAckOptions<T> {
  /**
   * What a throwing handler does: `'fail'` (default) rethrows, so the sink (e.g. `forEach`) rejects and cancels the
   * source, and the message stays unacknowledged (redelivered after `ack_wait`); `'nak'` nak's it (redelivered after
   * `nakDelayMs`) and goes on with the next one; a function is called with the error after the nak. Either way the
   * message is never acked, and `deadLetter.maxDeliveries` bounds how often it comes back.
   */
  onError?: 'fail' | 'nak' | ((error: unknown, entry: JetStreamEntry<T>) => void);
  /** The redelivery delay of a nak after a throw (default 0: at once). */
  nakDelayMs?: number;
  /**
   * Wait for the server's confirmation of each ack before the handler gets the next message (default `true`). With
   * `false` the ack is still sent only after the handler resolved, but the next message does not wait for the
   * confirmation, and a failed ack fails the next call.
   */
  awaitAck?: boolean;
}

/**
 * Wraps a handler so that each message is acknowledged once the handler's promise resolved, and never before: the
 * acknowledgement follows the processing, which is what makes a crash lose nothing.
 *
 * @example
 * await forEach(pullConsumer(options), autoAck(async (job) => { await save(job.value); }), { prefetch: 32 });
 * // keep going past failures; each failed message is retried after 1 s until it is dead-lettered:
 * await forEach(source, autoAck(handle, { onError: 'nak', nakDelayMs: 1_000 }));
 */
export function autoAck<T, E extends JetStreamEntry<T> = JetStreamEntry<T>>(
  handler: (entry: E, index: number) => unknown,
  options: AutoAckOptions<T> = {},
): (entry: E, index: number) => Promise<void> {
  if (typeof handler !== 'function') throw new TypeError(`autoAck: handler must be a function, got ${typeof handler}`);
  const onError = options.onError ?? 'fail';
  if (onError !== 'fail' && onError !== 'nak' && typeof onError !== 'function') {
    throw new TypeError(`autoAck: onError must be 'fail', 'nak' or a function, got ${String(onError)}`);
  }
  const delay = options.nakDelayMs ?? 0;
  if (typeof delay !== 'number' || !(delay >= 0)) throw new RangeError(`autoAck: nakDelayMs must be a non-negative number, got ${String(delay)}`);
  const handlerFailed = (error: unknown, entry: E): void => {
    if (onError === 'fail') throw error;
    entry.nak(delay); // not acked: the server delivers it again, up to the dead-letter bound
    if (typeof onError === 'function') onError(error, entry);
  };
  if (options.awaitAck ?? true) {
    return async (entry, index) => {
      try {
        await handler(entry, index);
      } catch (error) {
        return handlerFailed(error, entry);
      }
      await entry.ack();
    };
  }
  let ackFailure: unknown = null;
  const remember = (error: unknown): void => {
    if (ackFailure === null) ackFailure = error;
  };
  return ((entry: E, index: number) => {
    if (ackFailure !== null) throw ackFailure;
    let result: unknown;
    try {
      result = handler(entry, index);
    } catch (error) {
      return handlerFailed(error, entry);
    }
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
      return Promise.resolve(result).then(() => { entry.ack().catch(remember); }, (error: unknown) => handlerFailed(error, entry));
    }
    entry.ack().catch(remember); // a synchronous handler: no promise, so forEach stays on its fast path
    return undefined;
  }) as (entry: E, index: number) => Promise<void>;
}
