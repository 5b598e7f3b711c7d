import { describe, expect, it } from 'vitest';
import { SubscriptionArbiter } from '../../src/internal/SubscriptionArbiter';
import type { Subscription } from '../../src/spec/Subscription';

function recording(log: string[], name: string): Subscription {
  return { request: (n) => log.push(`${name}.request(${n})`), cancel: () => log.push(`${name}.cancel`) };
}

describe('SubscriptionArbiter', () => {
  it('forwards requests to the current subscription and counts outstanding demand', () => {
    const log: string[] = [];
    const arbiter = new SubscriptionArbiter();
    arbiter.setSubscription(recording(log, 'a'));
    arbiter.request(3);
    arbiter.produced(1);
    expect(log).toEqual(['a.request(3)']);
    expect(arbiter.requested).toBe(2);
  });

  it('asks the next subscription for exactly the outstanding demand', () => {
    const log: string[] = [];
    const arbiter = new SubscriptionArbiter();
    arbiter.setSubscription(recording(log, 'a'));
    arbiter.request(5);
    arbiter.produced(2);
    arbiter.clearSubscription();
    arbiter.setSubscription(recording(log, 'b'));
    expect(log).toEqual(['a.request(5)', 'b.request(3)']);
  });

  it('keeps requests made between subscriptions and forwards them to the next one', () => {
    const log: string[] = [];
    const arbiter = new SubscriptionArbiter();
    arbiter.request(1);
    arbiter.request(4);
    expect(log).toEqual([]);
    arbiter.setSubscription(recording(log, 'a'));
    expect(log).toEqual(['a.request(5)']);
  });

  it('does not request from a subscription when no demand is outstanding', () => {
    const log: string[] = [];
    const arbiter = new SubscriptionArbiter();
    arbiter.setSubscription(recording(log, 'a'));
    expect(log).toEqual([]);
  });

  it('keeps unbounded demand unbounded however many items were produced', () => {
    const log: string[] = [];
    const arbiter = new SubscriptionArbiter();
    arbiter.request(Infinity);
    arbiter.produced(1_000);
    arbiter.setSubscription(recording(log, 'a'));
    expect(log).toEqual(['a.request(Infinity)']);
  });

  it('saturates cumulative demand at unbounded (§3.17)', () => {
    const arbiter = new SubscriptionArbiter();
    arbiter.request(Number.MAX_SAFE_INTEGER - 1);
    arbiter.request(2);
    expect(arbiter.requested).toBe(Infinity);
  });

  it('cancels the current subscription once and any later one on arrival', () => {
    const log: string[] = [];
    const arbiter = new SubscriptionArbiter();
    arbiter.setSubscription(recording(log, 'a'));
    arbiter.cancel();
    arbiter.cancel();
    arbiter.request(2);
    arbiter.setSubscription(recording(log, 'b'));
    expect(log).toEqual(['a.cancel', 'b.cancel']);
  });

  it('forwards a request made reentrantly while the next subscription is being asked for demand', () => {
    const log: string[] = [];
    const arbiter = new SubscriptionArbiter();
    arbiter.request(2);
    let reentered = false;
    arbiter.setSubscription({
      request: (n) => {
        log.push(`b.request(${n})`);
        if (!reentered) {
          reentered = true;
          arbiter.produced(1); // an item delivered synchronously…
          arbiter.request(3); // …whose onNext asks for more
        }
      },
      cancel: () => log.push('b.cancel'),
    });
    expect(log).toEqual(['b.request(2)', 'b.request(3)']);
    expect(arbiter.requested).toBe(4);
  });
});
