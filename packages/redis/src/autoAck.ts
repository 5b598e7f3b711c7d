import { ackInBackground, type StreamEntry } from './readGroup';

export interface AutoAckOptions<T> {
  /**
   * What a throwing handler does: `'fail'` (default) rethrows, so the sink (e.g. `forEach`) rejects and cancels the
   * source; `'keep-pending'` leaves the entry unacknowledged and goes on with the next one, calling `onError`: the
   * entry is delivered again (a claim once idle, or this consumer's next start) until `deadLetter.maxDeliveries`.
   */
  onError?: 'fail' | 'keep-pending' | ((error: unknown, entry: StreamEntry<T>) => void);
  /**
   * Wait for the server's answer to each XACK before the handler gets the next entry (default `true`). With `false`
   * the ack is still sent only after the handler resolved, but the next entry does not wait for the reply: acks of
   * entries handled in the same tick go out as one XACK, and a failed ack fails the next call (the entries it
   * covered stay pending and are delivered again).
   */
  awaitAck?: boolean;
}

/**
 * Wraps a handler so that each entry is acknowledged once the handler's promise resolved, and never before: the
 * acknowledgement follows the processing, which is what makes a crash lose nothing.
 *
 * A throwing handler's entry is not acknowledged (it stays pending); whether the sink then fails is `onError`'s
 * choice.
 *
 * @example
 * await forEach(readGroup(options), autoAck(async (job) => { await save(job.value); }), { prefetch: 32 });
 * // keep going past failures; each failed entry is retried until it is dead-lettered:
 * await forEach(source, autoAck(handle, { onError: (error, job) => log.warn(job.id, error) }));
 */
export function autoAck<T, E extends StreamEntry<T> = StreamEntry<T>>(
  handler: (entry: E, index: number) => unknown,
  options: AutoAckOptions<T> = {},
): (entry: E, index: number) => Promise<void> {
  if (typeof handler !== 'function') throw new TypeError(`autoAck: handler must be a function, got ${typeof handler}`);
  const onError = options.onError ?? 'fail';
  if (onError !== 'fail' && onError !== 'keep-pending' && typeof onError !== 'function') {
    throw new TypeError(`autoAck: onError must be 'fail', 'keep-pending' or a function, got ${String(onError)}`);
  }
  const handlerFailed = (error: unknown, entry: E): void => {
    if (onError === 'fail') throw error;
    entry.release(); // not acked: the entry stays pending, and may be claimed or re-read again
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
  const ack = (entry: E): void => {
    // readGroup's entries send the ack without a promise each; any other StreamEntry through its ack().
    const background = (entry as { [ackInBackground]?: (onError: (e: Error) => void) => void })[ackInBackground];
    if (typeof background === 'function') background.call(entry, remember);
    else entry.ack().catch(remember);
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
      return Promise.resolve(result).then(() => ack(entry), (error: unknown) => handlerFailed(error, entry));
    }
    ack(entry); // a synchronous handler: no promise, so forEach stays on its fast path
    return undefined;
  }) as (entry: E, index: number) => Promise<void>;
}
