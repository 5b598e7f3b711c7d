// @sluice/core/testing: helpers for testing flows and for writing custom operators' tests.
export { TestSubscriber, type TestSubscriberOptions } from './TestSubscriber';
export { TestPublisher, type TestPublisherOptions } from './TestPublisher';
export { captureReportedErrors } from './reportedErrors';
export { VirtualTimeScheduler } from '../schedulers/VirtualTimeScheduler';
export {
  MarbleTester, runMarbles, ColdFlow, HotFlow, parseSignalMarble, parseDemandMarble,
  type MarbleOptions, type ExpectFlowOptions, type FlowExpectation, type RequestsExpectation, type MarbleSource,
  type MarbleSignal, type DemandCall, type MarbleSubscriptionLog,
} from './marbles';
