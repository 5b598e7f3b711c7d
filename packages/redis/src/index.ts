// @sluice/redis: Redis Streams consumer groups as demand-driven sluice publishers and sinks. See README.md.
export {
  readGroup, pendingSummary, RedisStreamSource,
  type ReadGroupOptions, type DeadLetterOptions, type StreamEntry, type RedisSourceMetrics, type PendingSummary,
  type ReadGroupSnapshot,
} from './readGroup';
export { toStream, writeStream, type ToStreamOptions, type StreamSink } from './toStream';
export { autoAck, type AutoAckOptions } from './autoAck';
export { RedisStreamError, type RedisStreamErrorCode } from './internal/errors';
export type { Fields } from './internal/entries';
export type { RedisConnection } from './internal/connection';
