import { BaseSubscriber, type Subscription } from '@sluice/core';
import type { WhiteboxSubscriberProbe } from '@sluice/tck';
import { subscriberBlackboxVerification, subscriberWhiteboxVerification } from '@sluice/tck/vitest';
import { coreEnv } from './base';

// BaseSubscriber, core's subscriber to extend, under both subscriber verifications. The default hookOnError reports
// (rethrows out of band) by design, so these subclasses handle errors, as a real subscriber would.

class OneByOne extends BaseSubscriber<number> {
  protected override hookOnSubscribe(): void {
    this.request(1);
  }
  protected override hookOnNext(): void {
    this.request(1);
  }
  protected override hookOnError(): void {}
}

class Probed extends BaseSubscriber<number> {
  constructor(private readonly probe: WhiteboxSubscriberProbe<number>) {
    super();
  }
  protected override hookOnSubscribe(_subscription: Subscription): void {
    this.probe.registerOnSubscribe({ triggerRequest: (n) => this.request(n), signalCancel: () => this.cancel() });
  }
  protected override hookOnNext(value: number): void {
    this.probe.registerOnNext(value);
  }
  protected override hookOnError(error: Error): void {
    this.probe.registerOnError(error);
  }
  protected override hookOnComplete(): void {
    this.probe.registerOnComplete();
  }
}

subscriberBlackboxVerification('BaseSubscriber (blackbox)', { createSubscriber: () => new OneByOne(), createElement: (i) => i, env: coreEnv });
subscriberWhiteboxVerification('BaseSubscriber (whitebox)', { createSubscriber: (probe) => new Probed(probe), createElement: (i) => i, env: coreEnv });
