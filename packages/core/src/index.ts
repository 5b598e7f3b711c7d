// @sluice/core public API. Every export is listed by name (no `export *`) so the surface is reviewable here.

// ---- Types (the Reactive Streams API) -------------------------------------------------------------------------
export type { Publisher, Subscriber, Subscription, Processor } from './spec/index';
export {
  Flow, flowOf, type Operator, type SubscribeFunction, type LiftFunction, type Stage, type AnyStage, type ElementOf,
  type CheckedChain, type ChainResult, type InputOf,
} from './Flow';
export { pipe } from './operators/pipe';

// ---- Engine pieces for custom operators --------------------------------------------------------------------------
export { UNBOUNDED } from './internal/demand';
export { OverflowError, CancellationError, type SluiceErrorCode } from './internal/errors';
export { reportError, reportDroppedError, onErrorDropped } from './internal/report';
export { DrainSubscription } from './internal/DrainSubscription';
export { ForwardingSubscriber } from './internal/ForwardingSubscriber';
export { RingBuffer } from './internal/RingBuffer';
export { OverflowBuffer, requireOverflowStrategy, type OverflowStrategy, type OfferResult } from './internal/overflow';
export { replenishAt, requirePositiveBound } from './internal/demand';
export { lift, toFlow } from './internal/lift';
export type { Inspectable, StageSnapshot, SubscriberSnapshot } from './internal/inspect';

// ---- Schedulers ---------------------------------------------------------------------------------------------------
export type { Scheduler, CancelTask } from './schedulers/Scheduler';
export { timerScheduler } from './schedulers/timerScheduler';
export { VirtualTimeScheduler } from './schedulers/VirtualTimeScheduler';
export { microtaskScheduler } from './schedulers/microtaskScheduler';
export { macrotaskScheduler } from './schedulers/macrotaskScheduler';

// ---- Sources ------------------------------------------------------------------------------------------------------
export { range } from './sources/range';
export { of } from './sources/of';
export { from, type FromInput } from './sources/from';
export { fromAsyncIterable, type FromAsyncIterableOptions } from './sources/fromAsyncIterable';
export { empty } from './sources/empty';
export { never } from './sources/never';
export { fail } from './sources/fail';
export { create, type CreateEmitter, type CreateOptions, type CreateProducer } from './sources/create';
export { createSink, type Sink } from './sources/createSink';
export {
  fromEvent, type FromEventOptions, type EventOverflowStrategy, type EventTargetLike, type EventEmitterLike,
} from './sources/fromEvent';
export {
  createQueue, type IngressQueue, type QueueOptions, type OfferOptions, type OfferOutcome, type QueueSnapshot,
} from './sources/createQueue';
export { defer } from './sources/defer';
export { generate, type GenerateEmitter } from './sources/generate';
export { interval, type IntervalOptions } from './sources/interval';
export { timer, type TimerOptions } from './sources/timer';

// ---- Operators ----------------------------------------------------------------------------------------------------
export { map } from './operators/map';
export { filter } from './operators/filter';
export { take } from './operators/take';
export { takeWhile, type TakeWhileOptions } from './operators/takeWhile';
export { skip } from './operators/skip';
export { scan } from './operators/scan';
export { reduce } from './operators/reduce';
export { distinctUntilChanged } from './operators/distinctUntilChanged';
export { tap, type TapObserver } from './operators/tap';
export { catchError } from './operators/catchError';
export { startWith } from './operators/startWith';
export { endWith } from './operators/endWith';
export { repeat } from './operators/repeat';
export {
  retry, retryBudget, type RetryOptions, type RetryBackoff, type RetryBudgetOptions, type RetryDecision,
} from './operators/retry';
export type { RetryBudget, RetryBudgetSnapshot } from './internal/RetryBudget';
export { finalize, type FinalSignal } from './operators/finalize';
export { using } from './operators/using';
export { mergeMap, flatMap, type MergeMapOptions } from './operators/mergeMap';
export { concatMap, type ConcatMapOptions } from './operators/concatMap';
export { switchMap, type SwitchMapOptions } from './operators/switchMap';
export { exhaustMap, type ExhaustMapOptions } from './operators/exhaustMap';
export { expand, ExpandDepthError, type ExpandOptions } from './operators/expand';
export { window } from './operators/window';
export { groupBy, GroupedFlow, type GroupByOptions } from './operators/groupBy';
export { buffer } from './operators/buffer';
export { bufferCount } from './operators/bufferCount';
export { skipWhile } from './operators/skipWhile';
export { skipUntil } from './operators/skipUntil';
export { takeUntil } from './operators/takeUntil';
export { takeLast } from './operators/takeLast';
export { first, last, type FirstLastOptions } from './operators/first';
export { elementAt } from './operators/elementAt';
export { defaultIfEmpty } from './operators/defaultIfEmpty';
export { throwIfEmpty } from './operators/throwIfEmpty';
export { count } from './operators/count';
export { every, some } from './operators/every';
export { pairwise } from './operators/pairwise';
export { withLatestFrom } from './operators/withLatestFrom';
export { distinct, type DistinctOptions } from './operators/distinct';
export { ignoreElements } from './operators/ignoreElements';
export { timestamp, timeInterval, type Timestamped, type TimeInterval } from './operators/timestamp';
export { mergeWith, concatWith } from './operators/mergeWith';
export {
  onBackpressureBuffer, type OnBackpressureBufferOptions, type BufferOverflowStrategy,
} from './operators/onBackpressureBuffer';
export { onBackpressureDrop } from './operators/onBackpressureDrop';
export { onBackpressureLatest } from './operators/onBackpressureLatest';
export { limitRate } from './operators/limitRate';
export { publish, type PublishOptions } from './operators/publish';
export { share } from './operators/share';
export {
  broadcast,
  BroadcastFlow,
  type BroadcastOptions,
  type BroadcastSubscriberOptions,
} from './operators/broadcast';
export type { BroadcastSnapshot } from './internal/BroadcastHub';
export type { BroadcastSubscriberSnapshot } from './internal/BroadcastLane';
export type { DropReason, DropListener } from './internal/ExpiringBuffer';
export type { JobsSnapshot } from './internal/inspect';
export { replay } from './operators/replay';
export { ConnectableFlow, SharedFlow, type Connection } from './internal/MulticastConnection';
export { observeOn, DEFAULT_OBSERVE_ON_PREFETCH, type ObserveOnOptions } from './operators/observeOn';
export { subscribeOn } from './operators/subscribeOn';
export { delay, type DelayOptions } from './operators/delay';
export { timeout, TimeoutError, type TimeoutOptions } from './operators/timeout';
export { deadline, type DeadlineOptions } from './operators/deadline';
export { debounce, type DebounceOptions } from './operators/debounce';
export { bufferTime, type BufferTimeOptions } from './operators/bufferTime';
export { sample, type SampleOperatorOptions } from './operators/sample';
export { throttle, type ThrottleOptions } from './operators/throttle';

// ---- Combinators --------------------------------------------------------------------------------------------------
export { concat } from './sources/concat';
export { merge } from './sources/merge';
export { zip } from './sources/zip';
export { combineLatest } from './sources/combineLatest';
export { race } from './operators/race';
export { forkJoin } from './operators/forkJoin';

// ---- Processors ---------------------------------------------------------------------------------------------------
export { UnicastProcessor, type UnicastProcessorOptions } from './processors/UnicastProcessor';
export { MulticastProcessor, type MulticastProcessorOptions } from './processors/MulticastProcessor';

// ---- Metrics ------------------------------------------------------------------------------------------------------
export {
  createMetricsRegistry, MetricsRegistry, type StageMetrics, type StageOutcome, type SampleOptions,
  type MetricsRegistryOptions, type EndedPolicy, type OverflowPolicy, ENDED_STAGE, OVERFLOW_STAGE, dropReason,
} from './metrics/MetricsRegistry';
export { toPrometheus, PROMETHEUS_CONTENT_TYPE, type PrometheusOptions } from './metrics/prometheus';
export { name, type NameOptions } from './metrics/name';
export { metrics, type MetricsOptions } from './metrics/metrics';

// ---- Sinks --------------------------------------------------------------------------------------------------------
export { consume, type ConsumeOptions, type ConsumeHandle } from './sinks/consume';
export { BaseSubscriber, type SignalType } from './sinks/BaseSubscriber';
export { forEach, DEFAULT_SINK_PREFETCH, type ForEachOptions } from './sinks/forEach';
export { toArray, DEFAULT_TO_ARRAY_LIMIT, type ToArrayOptions } from './sinks/toArray';
export { firstValue, type ValueOptions } from './sinks/firstValue';
export { lastValue } from './sinks/lastValue';
export { EmptyError } from './sinks/EmptyError';
export type { SinkOptions } from './sinks/PromiseSubscriber';
export {
  toAsyncIterable, type ToAsyncIterableOptions, type FlowAsyncIterable, type FlowAsyncIterator,
} from './sinks/toAsyncIterable';
export {
  subscribeObserver, toInteropObservable, observableKey, DEFAULT_OBSERVABLE_PREFETCH,
  type InteropObserver, type InteropSubscription, type InteropObservable, type SubscribeObserverOptions,
} from './sinks/subscribeObserver';
