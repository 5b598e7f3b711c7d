/**
 * `@sluice/core/engine`: the building blocks of sluice's own stages, exported deliberately for bridges and custom
 * operators (Reactor exports `Operators` and `BaseSubscriber` the same way). See ADR 0014 and the README section
 * "Writing a stage on the engine". Everything here follows semver like the main entry point.
 */

// ─── Stages ──────────────────────────────────────────────────────────────────
export { DrainSubscription, type Lifecycle } from '../internal/DrainSubscription';
export { QueueStage } from '../internal/QueueStage';
export { Prefetcher } from '../internal/Prefetcher';
export { ForwardingSubscriber, type EarlyEnd } from '../internal/ForwardingSubscriber';
export { InnerSubscriber } from '../internal/InnerSubscriber';
export { FanInStage } from '../internal/FanInStage';
export { RingBuffer } from '../internal/RingBuffer';
export { OverflowBuffer, requireOverflowStrategy, type OverflowStrategy, type OfferResult } from '../internal/overflow';

// ─── Demand (§3.17) ──────────────────────────────────────────────────────────
export { UNBOUNDED, addDemand, isValidRequest, replenishAt, requirePositiveBound, describeValue } from '../internal/demand';

// ─── Errors: one wording per rule, one toError ───────────────────────────────
export {
  invalidRequestError,
  nullArgumentError,
  nullResultError,
  nullSubscriberError,
  overDeliveryError,
  toError,
  OverflowError,
  CancellationError,
} from '../internal/errors';
export { reportError, reportDroppedError } from '../internal/report';
export type { Inspectable, StageSnapshot } from '../internal/inspect';
