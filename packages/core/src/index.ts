// @sluice/core public API. Every export is listed by name (no `export *`) so the surface is reviewable here.

// ---- Types (the Reactive Streams API) -------------------------------------------------------------------------
export type { Publisher, Subscriber, Subscription, Processor } from './spec/index';
export { Flow, flowOf, type Operator, type SubscribeFunction, type LiftFunction } from './Flow';

// ---- Engine pieces for custom operators --------------------------------------------------------------------------
export { UNBOUNDED } from './internal/demand';
export { OverflowError } from './internal/errors';
export { DrainSubscription } from './internal/DrainSubscription';
export { ForwardingSubscriber } from './internal/ForwardingSubscriber';
export { RingBuffer } from './internal/RingBuffer';
export { lift, toFlow } from './internal/lift';
export type { Inspectable, StageSnapshot } from './internal/inspect';

// ---- Schedulers ---------------------------------------------------------------------------------------------------
export type { Scheduler, CancelTask } from './schedulers/Scheduler';
export { timerScheduler } from './schedulers/timerScheduler';
export { VirtualTimeScheduler } from './schedulers/VirtualTimeScheduler';

// ---- Sources ------------------------------------------------------------------------------------------------------
export { range } from './sources/range';

// ---- Operators ----------------------------------------------------------------------------------------------------
export { map } from './operators/map';

// ---- Sinks --------------------------------------------------------------------------------------------------------
