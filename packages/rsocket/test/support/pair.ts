import {
  RSocketConnection, connect, FrameType, type ConnectionOptions, type ClientSetup, type LeaseOptions, type Responder, type Frame,
} from '@sluice/rsocket';
import { memoryPair, type MemoryEnd } from './memory';

/** A client and a server RSocketConnection over an in-memory pair, SETUP done. */
export async function connectedPair(options: {
  responder?: Responder; clientResponder?: Responder; setup?: ClientSetup; lease?: LeaseOptions;
  client?: ConnectionOptions; server?: ConnectionOptions; highWaterMark?: number;
} = {}): Promise<{ client: RSocketConnection; server: RSocketConnection; clientEnd: MemoryEnd; serverEnd: MemoryEnd; serverConnection: () => RSocketConnection }> {
  const ends = memoryPair(options.highWaterMark);
  const server = new RSocketConnection(ends.server, 'server', options.server ?? {}, null, options.lease ?? null, () => options.responder ?? {});
  const client = await connect({
    transport: { connect: async () => ends.client }, setup: options.setup, responder: options.clientResponder, ...options.client,
  });
  return { client, server, clientEnd: ends.client, serverEnd: ends.server, serverConnection: () => server };
}

/** The frames of one type in a log. */
export function ofType<T extends Frame['type']>(log: readonly Frame[], type: T): Extract<Frame, { type: T }>[] {
  return log.filter((f) => f.type === type) as Extract<Frame, { type: T }>[];
}

export { FrameType };
