import { isInspectable, type StageSnapshot } from '../../src/internal/inspect';

/** The `inspect()` snapshot of the subscription a TestSubscriber holds; throws if that stage is not Inspectable. */
export function snapshot(s: { subscription: unknown }): StageSnapshot {
  if (!isInspectable(s.subscription)) throw new Error('the stage is not Inspectable');
  return s.subscription.inspect();
}
