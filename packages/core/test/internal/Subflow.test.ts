import { describe, expect, it } from 'vitest';
import { Subflow, type SubflowOwner } from '../../src/internal/Subflow';
import { TestSubscriber } from '../../src/testing/TestSubscriber';

function recordingOwner(log: string[]): SubflowOwner<number> {
  return {
    subflowRequested: (_, n) => log.push(`owner.requested(${n})`),
    subflowConsumed: () => log.push('owner.consumed'),
    subflowCancelled: (_, discarded) => log.push(`owner.cancelled(${discarded})`),
  };
}

describe('Subflow', () => {
  describe('behaviour', () => {
    it('holds items pushed before the subscriber arrives and emits them on request', () => {
      const log: string[] = [];
      const subflow = new Subflow<number>('sub', 4, recordingOwner(log));
      subflow.push(1);
      subflow.push(2);
      const s = new TestSubscriber<number>();
      subflow.subscribe(s);
      s.request(1);
      subflow.finish(null);
      s.request(1);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(1)', 'request(1)', 'next(2)', 'complete']);
      expect(log).toEqual(['owner.consumed', 'owner.requested(1)']); // the queued item goes out first; finish() then detaches the owner
    });
  });

  describe('demand', () => {
    it('tells the owner about each valid request and each consumed item', () => {
      const log: string[] = [];
      const subflow = new Subflow<number>('sub', 4, recordingOwner(log));
      const s = new TestSubscriber<number>(2);
      subflow.subscribe(s);
      subflow.push(7);
      expect(log).toEqual(['owner.requested(2)', 'owner.consumed']);
      expect([8, 9, 10, 11, 12].map((x) => subflow.push(x))).toEqual([true, true, true, true, true]); // 8 is emitted at once
      expect(subflow.push(13)).toBe(false); // bounded: the owner must never push past its capacity
      expect(s.values).toEqual([7, 8]);
    });

    it('keeps onNext depth at 1 when the subscriber requests from inside onNext', () => {
      const subflow = new Subflow<number>('sub', 8, recordingOwner([]));
      for (let i = 0; i < 8; i++) subflow.push(i);
      subflow.finish(null);
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      subflow.subscribe(s);
      expect(s.count).toBe(8);
      expect(s.maxOnNextDepth).toBe(1);
      expect(s.completed).toBe(true);
    });
  });

  describe('errors', () => {
    it('fails at once on finish(error), discarding queued items', () => {
      const subflow = new Subflow<number>('sub', 4, recordingOwner([]));
      const s = new TestSubscriber<number>();
      subflow.subscribe(s);
      subflow.push(1);
      subflow.finish(new Error('boom'));
      expect(s.log).toEqual(['subscribe', 'error(Error: boom)']);
    });

    it('turns an invalid request into a §3.9 onError and tells the owner it was cancelled', () => {
      const log: string[] = [];
      const subflow = new Subflow<number>('sub', 4, recordingOwner(log));
      subflow.push(1);
      const s = new TestSubscriber<number>();
      subflow.subscribe(s);
      s.request(-1);
      expect(s.error?.message).toMatch(/^§3\.9:/);
      expect(log).toEqual(['owner.cancelled(1)']);
    });

    it('rejects a second subscriber with onSubscribe then onError (§1.11)', () => {
      const subflow = new Subflow<number>('sub', 4, recordingOwner([]));
      subflow.subscribe(new TestSubscriber<number>());
      const second = new TestSubscriber<number>();
      subflow.subscribe(second);
      expect(second.log).toEqual(['subscribe', 'error(Error: sub allows only one subscriber (§1.11: it is unicast))']);
    });
  });

  describe('cancellation', () => {
    it('reports the discarded items to the owner once and releases the subscriber (§3.13)', async () => {
      const log: string[] = [];
      const subflow = new Subflow<number>('sub', 4, recordingOwner(log));
      const ref = (() => {
        const s = new TestSubscriber<number>();
        subflow.subscribe(s);
        subflow.push(1);
        subflow.push(2);
        s.cancel();
        s.cancel();
        return new WeakRef(s);
      })();
      expect(log).toEqual(['owner.cancelled(2)']);
      expect(subflow.queue.size).toBe(0);
      for (let i = 0; i < 3; i++) {
        await new Promise((resolve) => setImmediate(resolve));
        (globalThis as { gc?: () => void }).gc?.();
      }
      expect(ref.deref()).toBeUndefined();
    });
  });

  describe('empty and edge cases', () => {
    it('completes a subscriber that arrives after an empty finish without any request', () => {
      const subflow = new Subflow<number>('sub', 1, recordingOwner([]));
      subflow.finish(null);
      const s = new TestSubscriber<number>();
      subflow.subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
    });
  });
});
