import { reportDroppedError, reportError, type Inspectable, type StageSnapshot, type Subscriber, type Subscription } from '@sluice/core';
import { close, commandConnection, requireConnection, type OwnedConnection, type RedisConnection } from './internal/connection';
import { entryBytes, flattenFields, type Fields } from './internal/entries';
import { RedisStreamError, requireName, requirePositiveInteger, toError } from './internal/errors';

export interface ToStreamOptions<T> {
  /** A `redis://` URL, ioredis options or an ioredis client (left open). */
  redis: RedisConnection;
  stream: string;
  /**
   * Bound the stream with `XADD … MAXLEN ~ maxLen`: Redis trims whole macro-nodes, so the stream keeps at least
   * `maxLen` entries (a little more), and **older entries are deleted even if no consumer group has read or acked
   * them yet**. Default: no trimming (the stream grows until something else trims it).
   */
  maxLen?: number;
  /** Exact trimming (`MAXLEN = n`) instead of `~`; slower on the server. */
  exactTrim?: boolean;
  /** XADD commands sent and not yet answered, at most (default 64): the server's replies pace the producer. */
  maxInFlight?: number;
  /** Turns an item into the entry's fields (default: a string-valued object as it is, anything else as `{ data: JSON }`). */
  encode?: (item: T) => Fields;
  /** Items whose encoded fields exceed this many bytes fail the stream before anything is sent (default 1 MiB). */
  maxEntryBytes?: number;
  /** Aborting cancels the flow and rejects `finished` with the signal's reason. */
  signal?: AbortSignal;
}

/** A Subscriber that appends each item to a stream; `finished` resolves with the number of entries written. */
export interface StreamSink<T> extends Subscriber<T>, Inspectable {
  /** Resolves once the flow completed and every XADD was answered; rejects (once) on the first failure. */
  readonly finished: Promise<number>;
  /** Ids of the entries written so far are not kept; this counts them. */
  readonly written: number;
}

/**
 * A sink that `XADD`s each item to a stream, with at most `maxInFlight` commands unanswered.
 *
 * ```
 * flow:    a b c d e |
 * XADD:    a b c        (maxInFlight 3)   d     e
 * reply:          a       b   c            d     e   → finished(5)
 * request: 3.      1.     1.  1.
 * ```
 *
 * **Demand**: requests `maxInFlight` items and one more per reply, so a fast producer waits for the server's
 * acknowledgements instead of growing ioredis's command queue (which, while disconnected, would otherwise grow
 * without a bound).
 *
 * **Errors**: a flow error rejects `finished` (after the writes in flight were answered, so what was acknowledged is
 * counted); an error reply, a connection failure, an `encode` throw or an oversized item cancels the flow and rejects
 * with it. An XADD that failed may or may not have been applied (the reply was lost): at-least-once, like the source.
 *
 * **Cancellation**: `signal` cancels the flow; writes in flight still complete.
 *
 * @example
 * const sink = toStream({ redis: url, stream: 'jobs', maxLen: 1_000_000 });
 * range(0, 10_000).pipe(map((i) => ({ seq: String(i) }))).subscribe(sink);
 * await sink.finished; // 10000
 */
export function toStream<T>(options: ToStreamOptions<T>): StreamSink<T> {
  const where = 'toStream';
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object, got ${String(options)}`);
  if (options.encode !== undefined && typeof options.encode !== 'function') throw new TypeError(`${where}: encode must be a function`);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new TypeError(`${where}: signal must be an AbortSignal`);
  return new StreamSubscriber<T>({
    redis: requireConnection(where, options.redis),
    stream: requireName(where, 'stream', options.stream),
    trim: options.maxLen === undefined ? [] : ['MAXLEN', options.exactTrim === true ? '=' : '~', requirePositiveInteger(where, 'maxLen', options.maxLen)],
    maxInFlight: options.maxInFlight === undefined ? 64 : requirePositiveInteger(where, 'maxInFlight', options.maxInFlight),
    encode: options.encode ?? defaultEncode,
    maxEntryBytes: options.maxEntryBytes === undefined ? 1024 * 1024 : requirePositiveInteger(where, 'maxEntryBytes', options.maxEntryBytes),
    signal: options.signal ?? null,
  });
}

/**
 * Appends every item of `source` to a stream (see `toStream`) and resolves with the number written.
 *
 * @example
 * await writeStream(range(0, 100).pipe(map((seq) => ({ seq: String(seq) }))), { redis: url, stream: 'jobs' }); // 100
 */
export function writeStream<T>(source: { subscribe(subscriber: Subscriber<T>): void }, options: ToStreamOptions<T>): Promise<number> {
  const sink = toStream(options);
  source.subscribe(sink);
  return sink.finished;
}

function defaultEncode(item: unknown): Fields {
  if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
    const values = Object.values(item);
    if (values.length > 0 && values.every((v) => typeof v === 'string')) return item as Fields;
  }
  return { data: JSON.stringify(item) };
}

interface SinkConfig<T> {
  readonly redis: RedisConnection;
  readonly stream: string;
  readonly trim: (string | number)[];
  readonly maxInFlight: number;
  readonly encode: (item: T) => Fields;
  readonly maxEntryBytes: number;
  readonly signal: AbortSignal | null;
}

class StreamSubscriber<T> implements StreamSink<T> {
  readonly finished: Promise<number>;
  written = 0;
  private resolve!: (n: number) => void;
  private reject!: (e: Error) => void;
  private upstream: Subscription | null = null;
  private connection: OwnedConnection | null = null;
  private config: SinkConfig<T>;
  private inFlight = 0;
  private received = 0;
  /** Items requested from upstream in total. */
  private demanded = 0;
  private state: 'idle' | 'running' | 'completing' | 'failing' | 'done' = 'idle';
  private failure: Error | null = null;
  /** This sink cancelled its upstream (abort, a failed write): an error arriving after that is late, not a bug. */
  private cancelledUpstream = false;
  private readonly onAbort = (): void => this.abort(toError(this.config.signal?.reason ?? new Error('aborted')));

  constructor(config: SinkConfig<T>) {
    this.config = config;
    this.finished = new Promise<number>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.finished.catch(() => {}); // marked as handled; await it to observe the error
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw new TypeError('§2.13: onSubscribe requires a non-null subscription');
    if (this.state !== 'idle') {
      subscription.cancel(); // §2.5 a second subscription is cancelled
      return;
    }
    this.state = 'running';
    this.upstream = subscription;
    const signal = this.config.signal;
    if (signal?.aborted) return this.abort(toError(signal.reason));
    signal?.addEventListener('abort', this.onAbort, { once: true });
    this.connection = commandConnection(this.config.redis, `sluice:xadd:${this.config.stream}`);
    this.demanded = this.config.maxInFlight;
    subscription.request(this.config.maxInFlight);
  }

  onNext(item: T): void {
    if (item == null) throw new TypeError('§2.13: onNext requires a non-null element');
    if (this.state !== 'running') return; // after our own cancel (§1.8 eventually stops)
    this.received++;
    let fields: Fields;
    try {
      fields = this.config.encode(item);
      const bytes = entryBytes(fields);
      if (bytes > this.config.maxEntryBytes) {
        throw new RedisStreamError('OVERSIZED', `toStream: an item of ${bytes} bytes is larger than maxEntryBytes ${this.config.maxEntryBytes}; nothing of it was sent`);
      }
      if (Object.keys(fields).length === 0) throw new TypeError('toStream: encode returned no fields (Redis entries need at least one)');
    } catch (error) {
      return this.abort(toError(error));
    }
    const { stream, trim } = this.config;
    this.inFlight++;
    this.connection!.client.call('XADD', stream, ...trim, '*', ...flattenFields(fields)).then(
      () => this.replied(null),
      (error: unknown) => this.replied(toError(error)),
    );
  }

  onError(error: Error): void {
    if (error == null) throw new TypeError('§2.13: onError requires a non-null error');
    if (this.state !== 'running') {
      // ADR 0012 (core): after this sink cancelled the flow itself, a late error is dropped to onErrorDropped; one
      // after the flow had ended (§1.7) is reported; never silently swallowed
      if (this.cancelledUpstream) reportDroppedError(error);
      else reportError(error);
      return;
    }
    this.upstream = null;
    this.state = 'failing';
    this.failure = error;
    this.settleIfIdle();
  }

  onComplete(): void {
    if (this.state !== 'running') return;
    this.upstream = null;
    this.state = 'completing';
    this.settleIfIdle();
  }

  private replied(error: Error | null): void {
    this.inFlight--;
    if (error !== null) {
      this.abort(new RedisStreamError('REPLY', `toStream: XADD to "${this.config.stream}" failed: ${error.message}`, { cause: error }));
      this.settleIfIdle(); // already failing: the last reply in flight settles
      return;
    }
    this.written++;
    if (this.state === 'running') {
      this.demanded++;
      this.upstream?.request(1);
    } else this.settleIfIdle();
  }

  private abort(error: Error): void {
    if (this.state === 'done' || this.state === 'failing') return;
    const upstream = this.upstream;
    this.upstream = null;
    this.cancelledUpstream = upstream !== null;
    this.state = 'failing';
    this.failure = error;
    try {
      upstream?.cancel();
    } catch (e) {
      reportError(e);
    }
    this.settleIfIdle();
  }

  private settleIfIdle(): void {
    if (this.inFlight > 0 || this.state === 'done') return;
    const failure = this.failure;
    this.state = 'done';
    this.config.signal?.removeEventListener('abort', this.onAbort);
    close(this.connection);
    this.connection = null;
    if (failure !== null) this.reject(failure);
    else this.resolve(this.written);
  }

  inspect(): StageSnapshot {
    return {
      stage: 'redis.toStream',
      capacity: this.config.maxInFlight,
      buffered: this.inFlight,
      requested: 0,
      upstreamRequested: this.state === 'running' ? this.demanded - this.received : 0,
      received: this.received,
      emitted: this.written,
      dropped: 0,
      terminated: this.state === 'done',
      cancelled: this.state === 'failing' || (this.state === 'done' && this.failure !== null),
    };
  }
}
