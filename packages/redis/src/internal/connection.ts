import { Redis, type RedisOptions } from 'ioredis';

/** Where to connect: a `redis://` URL, ioredis options, or a live ioredis client (which this package never closes). */
export type RedisConnection = string | RedisOptions | Redis;

/** One connection this package uses, and whether it opened it (and so must close it). */
export interface OwnedConnection {
  readonly client: Redis;
  readonly owned: boolean;
}

const isClient = (value: unknown): value is Redis =>
  value instanceof Redis || (typeof value === 'object' && value !== null && typeof (value as Redis).duplicate === 'function' &&
    typeof (value as Redis).call === 'function');

export function requireConnection(where: string, value: unknown): RedisConnection {
  if (typeof value === 'string' || isClient(value)) return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as RedisOptions;
  throw new TypeError(`${where}: redis must be a redis:// URL, ioredis options or an ioredis client, got ${String(value)}`);
}

/**
 * The command connection: XACK, XPENDING, XADD, XGROUP. A client given by the user is used as it is (and left open);
 * otherwise one is opened with ioredis's defaults (offline queue, commands resent after a reconnect: XACK is
 * idempotent on the server, so a resent one never acks twice).
 */
export function commandConnection(connection: RedisConnection, name: string): OwnedConnection {
  if (isClient(connection)) return { client: connection, owned: false };
  return { client: open(connection, { connectionName: name }), owned: true };
}

/**
 * The blocking connection for XREADGROUP/XAUTOCLAIM: always a connection of its own, because a `BLOCK` read occupies
 * its connection until it returns and would stall every ack queued behind it. Three options differ from ioredis's
 * defaults, each for the at-least-once ledger:
 * - no `commandTimeout`/`blockingTimeout`: ioredis resolves a blocking command that outlives them with `null` on
 *   the client while the server may still deliver the entries into our Pending Entries List, which would skip them
 *   until the next restart; the source keeps its own watchdog at BLOCK + a grace instead and drops the connection;
 * - `autoResendUnfulfilledCommands: false` and `enableOfflineQueue: false`: a read in flight when the connection
 *   drops fails instead of being replayed behind our back, so the source knows to re-read its own pending entries
 *   (`0`) before new ones (`>`);
 * - `maxRetriesPerRequest: null` is irrelevant without an offline queue; reconnection follows `retryStrategy`.
 */
export function blockingConnection(connection: RedisConnection, name: string): Redis {
  const overrides: RedisOptions = {
    connectionName: name,
    commandTimeout: undefined,
    blockingTimeout: undefined,
    autoResendUnfulfilledCommands: false,
    enableOfflineQueue: false,
    enableAutoPipelining: false,
  };
  if (isClient(connection)) return listen(connection.duplicate(overrides));
  return open(connection, overrides);
}

function open(connection: string | RedisOptions, overrides: RedisOptions): Redis {
  return listen(typeof connection === 'string' ? new Redis(connection, overrides) : new Redis({ ...connection, ...overrides }));
}

function listen(client: Redis): Redis {
  // ioredis emits connection problems as 'error' events; the stages report them through their own signals, and an
  // unlistened 'error' would only be printed by ioredis. Keep the last one for the messages.
  client.on('error', (error: Error) => {
    lastErrors.set(client, error);
  });
  return client;
}

const lastErrors = new WeakMap<Redis, Error>();

/** The last connection error ioredis emitted for a client this package opened (for error messages). */
export function lastConnectionError(client: Redis): Error | undefined {
  return lastErrors.get(client);
}

/** Closes a connection this package opened; a user's client is left alone. Never throws. */
export function close(connection: OwnedConnection | null, graceful = true): void {
  if (connection === null || !connection.owned) return;
  const client = connection.client;
  if (graceful && client.status === 'ready') {
    client.quit().catch(() => client.disconnect());
  } else {
    client.disconnect();
  }
}
