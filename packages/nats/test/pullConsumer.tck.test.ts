import { afterAll, beforeAll } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { publisherVerification } from '@sluice/tck/vitest';
import { pullConsumer } from '../src/index';
import { startNats, type NatsServer } from './support/natsServer';

// @sluice/tck publisher verification of pullConsumer against a live nats-server -js. createPublisher(n) reads a
// stream pre-published with exactly n messages through an ephemeral consumer of its own (every subscription gets the
// whole stream) and completes once the consumer is drained (completeWhenDrained). The streams are filled in beforeAll
// and each publish awaits its PubAck: JetStream stores messages asynchronously to the consumer API, so messages
// published right before a subscription could otherwise be counted after its drain check. For the TCK's "very long"
// publishers (n above 1,000) the stream holds 1,000 messages and the source does not complete, as a live stream
// would not.
let server: NatsServer;
let nc: NatsConnection;
const LONG = 1_000;
const SIZES = [...Array(21).keys(), LONG]; // every n the TCK asks for (0…20), and the long one

beforeAll(async () => {
  server = await startNats();
  nc = await connect({ servers: server.url });
  const js = jetstream(nc);
  for (const n of SIZES) {
    await server.jsm.streams.add({ name: `TCK_${n}`, subjects: [`tck.${n}`] });
    const acks: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) acks.push(js.publish(`tck.${n}`, String(i)));
    await Promise.all(acks);
  }
}, 30_000);
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

publisherVerification('nats pullConsumer', {
  createPublisher(n) {
    const finite = n <= LONG;
    const size = finite ? n : LONG;
    if (!SIZES.includes(size)) throw new Error(`no pre-published stream for createPublisher(${n}); add ${n} to SIZES`);
    return pullConsumer({ nats: nc, stream: `TCK_${size}`, completeWhenDrained: finite, expiresMs: 500, ackGraceMs: 0 });
  },
  createFailedPublisher: () => pullConsumer({ nats: nc, stream: 'TCK_MISSING', consumer: 'none' }),
  env: { defaultTimeoutMillis: 3_000, defaultNoSignalsTimeoutMillis: 60, publisherReferenceGCTimeoutMillis: 200 },
});
