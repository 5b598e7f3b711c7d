// @sluice/nats: NATS JetStream pull consumers as demand-driven sluice publishers and sinks. See README.md.
export {
  pullConsumer, pendingOf, JetStreamSource,
  type PullConsumerOptions, type DeadLetterOptions, type NatsSourceMetrics, type ConsumerPending, type PullConsumerSnapshot,
} from './pullConsumer';
export { toJetStream, publishAll, type ToJetStreamOptions, type JetStreamSink, type OutgoingMessage } from './publish';
export { autoAck, type AutoAckOptions } from './autoAck';
export { NatsStreamError, type NatsStreamErrorCode } from './internal/errors';
export { parseAckSubject, type JetStreamEntry, type DeliveryInfo } from './entry';
export type { NatsConnectionLike } from './internal/connection';
