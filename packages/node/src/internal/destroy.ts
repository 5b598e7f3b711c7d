import type { Readable, Writable } from 'node:stream';
import { reportDroppedError } from '@sluice/core';

/**
 * Destroys a stream the bridge has stopped watching (it already settled, or it is cancelling), keeping an `'error'`
 * listener until the stream has closed. Node emits `'error'` from inside `destroy()`'s asynchronous part (a
 * `_destroy` that fails, a socket reset while closing); with no listener left that is an uncaught exception, which
 * Node's own `for await` and `pipeline` never let happen. `error`, if given, is the one the bridge already delivered:
 * its echo is expected; any other error arrives after the bridge stopped listening and goes to `onErrorDropped`.
 */
export function destroyWatched(stream: Readable | Writable, error?: Error): void {
  if (!stream.closed) {
    const onError = (event: unknown): void => {
      if (event !== error) reportDroppedError(event);
    };
    stream.on('error', onError);
    stream.once('close', () => stream.off('error', onError));
  }
  stream.destroy(error);
}
