// @sluice/tck: a Reactive Streams conformance suite for JavaScript. Runner-agnostic: no test framework is imported
// here (the vitest adapter is the `@sluice/tck/vitest` subpath).

// ---- Verifications ------------------------------------------------------------------------------------------------
export { verifyPublisher, type CommonVerificationOptions } from './publisher/verification';
export { PUBLISHER_UNABLE_TO_SIGNAL_ON_COMPLETE, type PublisherVerificationOptions } from './publisher/context';
export { verifySubscriberBlackbox, verifySubscriberWhitebox } from './subscriber/verification';
export type { SubscriberBlackboxVerificationOptions, SubscriberWhiteboxVerificationOptions } from './subscriber/context';
export type { WhiteboxSubscriberProbe, SubscriberPuppet } from './harness/Probe';
export { verifyProcessor, type ProcessorVerificationOptions } from './processor/verification';

// ---- Environment, rules, reports ----------------------------------------------------------------------------------
export { createEnvironment, DEFAULT_ENVIRONMENT, ENVIRONMENT_VARIABLES, type TestEnvironment } from './environment';
export {
  PUBLISHER_RULES, WHITEBOX_RULES, BLACKBOX_RULES, PROCESSOR_OWN_RULES, ruleFor,
  type RuleEntry, type Category, type VerificationKind,
} from './rules';
export type { Report, TestResult, Status, Summary } from './report/types';
export { TestException } from './harness/errors';
export { formatTable, formatSummary, toJson, toJunitXml, type JsonReport } from './report/format';

// ---- Reference implementations ------------------------------------------------------------------------------------
export { ReferencePublisher, AsyncReferencePublisher, FailedPublisher, HELPER_ELEMENT_BUDGET } from './reference/ReferencePublisher';
export { ReferenceSubscriber, type ReferenceSubscriberOptions } from './reference/ReferenceSubscriber';
export { ReferenceProcessor } from './reference/ReferenceProcessor';

// ---- Types --------------------------------------------------------------------------------------------------------
export type { Publisher, Subscriber, Subscription, Processor } from './spec';
