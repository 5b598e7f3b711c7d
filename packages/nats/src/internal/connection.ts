import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';

/** Where to connect: a `nats://host:port` URL, connection options, or a live connection (which this package never closes). */
export type NatsConnectionLike = string | NodeConnectionOptions | NatsConnection;

/** One connection this package uses, and whether it opened it (and so must close it). */
export interface OwnedConnection {
  readonly nc: NatsConnection;
  readonly owned: boolean;
}

export const isConnection = (value: unknown): value is NatsConnection =>
  typeof value === 'object' && value !== null && typeof (value as NatsConnection).subscribe === 'function' &&
  typeof (value as NatsConnection).publish === 'function' && typeof (value as NatsConnection).status === 'function';

export function requireConnection(where: string, value: unknown): NatsConnectionLike {
  if (typeof value === 'string' || isConnection(value)) return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as NodeConnectionOptions;
  throw new TypeError(`${where}: nats must be a nats:// URL, connection options or a NatsConnection, got ${String(value)}`);
}

/**
 * The connection of one stage: a user's connection as it is (left open), otherwise a new one that reconnects for
 * ever (`maxReconnectAttempts: -1`: the stage's own `reconnectTimeoutMs` decides when to give up).
 */
export async function openConnection(connection: NatsConnectionLike, name: string): Promise<OwnedConnection> {
  if (isConnection(connection)) return { nc: connection, owned: false };
  const options: NodeConnectionOptions = typeof connection === 'string' ? { servers: connection } : connection;
  const nc = await connect({ name, maxReconnectAttempts: -1, reconnectTimeWait: 250, ...options });
  return { nc, owned: true };
}

/** Closes a connection this package opened (after flushing what was published); a user's connection is left alone. */
export function closeConnection(connection: OwnedConnection | null): void {
  if (connection === null || !connection.owned || connection.nc.isClosed()) return;
  connection.nc.drain().catch(() => connection.nc.close().catch(() => {}));
}
