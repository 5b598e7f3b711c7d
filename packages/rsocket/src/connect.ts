import { encodeFrame } from './frame/codec';
import { FrameType, MAJOR_VERSION, MINOR_VERSION } from './frame/constants';
import type { SetupFrame } from './frame/Frame';
import { RSocketConnection, type ConnectionOptions, type Responder } from './connection/RSocketConnection';
import { COMPOSITE_METADATA_MIME } from './metadata/composite';
import { EMPTY, type Payload } from './Payload';
import type { ClientTransport } from './transport/FrameConnection';

/** The client's SETUP. */
export interface ClientSetup {
  /** Milliseconds between the client's KEEPALIVE frames (default 20,000). */
  keepAlive?: number;
  /** Milliseconds without any frame from the server after which it is presumed dead (default 90,000). */
  lifetime?: number;
  /** Default `application/octet-stream`. */
  dataMimeType?: string;
  /** Default `message/x.rsocket.composite-metadata.v0` (what the router and Spring expect). */
  metadataMimeType?: string;
  /** The SETUP payload. */
  payload?: Payload;
  /** Honour LEASE: `connect` then resolves once the server's first LEASE arrived, and requests respect it. */
  lease?: boolean;
}

export interface ConnectOptions extends ConnectionOptions {
  transport: ClientTransport;
  setup?: ClientSetup;
  /** Serves requests the server makes on this connection. */
  responder?: Responder;
}

/**
 * Opens a connection, sends SETUP and resolves with the requester.
 *
 * @example
 * const rsocket = await connect({ transport: tcpClientTransport({ port: 7878 }) });
 * for await (const p of rsocket.requestStream(payload('hi'))) console.log(dataString(p));
 */
export async function connect(options: ConnectOptions): Promise<RSocketConnection> {
  const setup = options.setup ?? {};
  const frame: SetupFrame = {
    type: FrameType.SETUP, streamId: 0, majorVersion: MAJOR_VERSION, minorVersion: MINOR_VERSION,
    keepAlive: setup.keepAlive ?? 20_000, lifetime: setup.lifetime ?? 90_000, resumeToken: null, lease: setup.lease === true,
    metadataMimeType: setup.metadataMimeType ?? COMPOSITE_METADATA_MIME, dataMimeType: setup.dataMimeType ?? 'application/octet-stream',
    data: setup.payload?.data ?? EMPTY, metadata: setup.payload?.metadata ?? null,
  };
  if (!(frame.keepAlive > 0) || !(frame.lifetime > 0)) throw new RangeError('connect: setup.keepAlive and setup.lifetime must be > 0');
  encodeFrame(frame); // validates every field (MIME types, sizes) before a socket is opened
  const transport = await options.transport.connect();
  const connection = new RSocketConnection(transport, 'client', options, options.responder ?? null, null, null);
  connection.sendSetup(frame);
  if (frame.lease) await connection.whenLeased();
  return connection;
}
