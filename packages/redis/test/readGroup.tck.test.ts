import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { publisherVerification } from '@sluice/tck/vitest';
import { readGroup } from '../src/index';
import { startRedis, type RedisServer } from './support/redisServer';
import { freshKey } from './support/helpers';

// @sluice/tck publisher verification of readGroup against a live redis-server. createPublisher(n) pre-publishes n
// entries to a fresh stream and returns a source that reads them and completes once the group is drained
// (completeWhenDrained). The XADDs and the source's XGROUP CREATE go through one client (the source's ack
// connection), so Redis sees every entry before the group exists and the first read. For the TCK's "very long"
// publishers (n above 1,000, e.g. 2^31 − 1 where the subscriber cancels after a few elements) it pre-publishes 1,000
// entries and the source does not complete, as a live stream would not.
let server: RedisServer;
let client: Redis;
const LONG = 1_000;

// Registration happens at collection time; the server starts in beforeAll, before the first createPublisher call.
beforeAll(async () => {
  server = await startRedis();
  client = new Redis(server.url);
});
afterAll(async () => {
  client?.disconnect();
  await server?.stop();
});

publisherVerification('redis readGroup', {
  createPublisher(n) {
    const stream = freshKey('tck');
    const finite = n <= LONG;
    const count = finite ? n : LONG;
    if (count > 0) {
      const pipeline = client.pipeline();
      for (let i = 0; i < count; i++) pipeline.xadd(stream, '*', 'seq', String(i));
      void pipeline.exec();
    }
    return readGroup({ redis: client, stream, group: 'tck', consumer: 'c', createGroup: true, blockMs: 100,
      completeWhenDrained: finite, ackGraceMs: 0 });
  },
  createFailedPublisher: () => readGroup({ redis: client, stream: freshKey('tck-missing'), group: 'none', consumer: 'c' }),
  env: { defaultTimeoutMillis: 3_000, defaultNoSignalsTimeoutMillis: 60, publisherReferenceGCTimeoutMillis: 200 },
});
