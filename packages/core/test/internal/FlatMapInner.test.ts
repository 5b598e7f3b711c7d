import { describe, expect, it } from 'vitest';
import { FlatMapInner, type InnerParent } from '../../src/internal/FlatMapInner';
import type { Subscription } from '../../src/spec/Subscription';
import { captureReportedErrors } from '../../src/testing/reportedErrors';

/** A parent that records what its inner tells it (the flattening engines' side of the InnerParent contract). */
function recordingParent(): InnerParent & { readonly log: string[] } {
  const log: string[] = [];
  return {
    name: 'mergeMap',
    log,
    countReceived: () => log.push('received'),
    innerSignalled: () => log.push('signalled'),
    innerCompleted: () => log.push('completed'),
    stop: (error) => log.push(`stop(${error.message})`),
    jobFailed: (error, inner, value, index) => log.push(`failed(${error.message}, ${inner === null ? 'project' : 'inner'}, ${String(value)}, ${index})`),
  };
}

/** A subscription that records requests and cancels. */
function recordingSubscription(): Subscription & { readonly calls: string[] } {
  const calls: string[] = [];
  return { calls, request: (n) => calls.push(`request(${n})`), cancel: () => calls.push('cancel') };
}

function withCaptured(scenario: () => void): { reported: unknown[]; dropped: unknown[] } {
  const captured = captureReportedErrors();
  try {
    scenario();
    return { reported: [...captured.errors], dropped: [...captured.dropped] };
  } finally {
    captured.restore();
  }
}

describe('FlatMapInner', () => {
  describe('behaviour', () => {
    it('requests its prefetch, queues items for the parent and replenishes by 75% of it as they are emitted', () => {
      const parent = recordingParent();
      const inner = new FlatMapInner<number>(parent, 4);
      const upstream = recordingSubscription();
      inner.onSubscribe(upstream);
      expect(upstream.calls).toEqual(['request(4)']);
      expect(inner.upstreamRequested).toBe(4);
      inner.onNext(1);
      inner.onNext(2);
      inner.onNext(3);
      expect(inner.queue.size).toBe(3);
      expect(inner.upstreamRequested).toBe(1);
      expect(parent.log).toEqual(['received', 'signalled', 'received', 'signalled', 'received', 'signalled']);
      inner.queue.poll();
      inner.consumedOne();
      inner.queue.poll();
      inner.consumedOne();
      expect(upstream.calls).toEqual(['request(4)']); // 2 of 4 emitted: below the limit of 3
      inner.queue.poll();
      inner.consumedOne();
      expect(upstream.calls).toEqual(['request(4)', 'request(3)']);
      expect(inner.upstreamRequested).toBe(4);
    });

    it('tells the parent of its completion and of its error with the outer item, then is done and released', () => {
      const parent = recordingParent();
      const completing = new FlatMapInner<number>(parent, 2, true);
      completing.onSubscribe(recordingSubscription());
      const signal = completing.signal!;
      completing.onComplete();
      expect(completing.done).toBe(true);
      expect(completing.signal).toBeUndefined(); // released, never aborted: the job ended by itself
      expect(signal.aborted).toBe(false);
      const failing = new FlatMapInner<number>(parent, 2);
      failing.value = 'a';
      failing.index = 7;
      failing.onSubscribe(recordingSubscription());
      failing.onError(new Error('boom'));
      expect(failing.value).toBeUndefined(); // §3.13
      expect(parent.log).toEqual(['completed', 'failed(boom, inner, a, 7)']);
    });

    it('cancels its upstream, clears its queue and aborts the job signal when the parent cancels it', () => {
      const parent = recordingParent();
      const inner = new FlatMapInner<number>(parent, 2, true);
      const upstream = recordingSubscription();
      inner.onSubscribe(upstream);
      const signal = inner.signal!;
      inner.onNext(1);
      inner.cancel();
      expect(upstream.calls).toEqual(['request(2)', 'cancel']);
      expect(inner.queue.isEmpty).toBe(true);
      expect(inner.done).toBe(true);
      expect(signal.aborted).toBe(true);
      expect(inner.upstreamRequested).toBe(0);
      inner.onNext(2); // §2.8 in flight after cancel: dropped
      inner.consumedOne(); // no request once over
      expect(upstream.calls).toEqual(['request(2)', 'cancel']);
      expect(parent.log).toEqual(['received', 'signalled']);
    });
  });

  describe('errors', () => {
    it('cancels itself and stops the parent with §1.1 when its upstream over-delivers, dropping what follows', () => {
      const parent = recordingParent();
      const inner = new FlatMapInner<number>(parent, 1);
      const upstream = recordingSubscription();
      inner.onSubscribe(upstream);
      inner.onNext(1);
      inner.onNext(2); // beyond the prefetch of 1
      expect(upstream.calls).toEqual(['request(1)', 'cancel']);
      expect(parent.log).toEqual([
        'received',
        'signalled',
        'stop(§1.1: an inner of mergeMap received onNext beyond the requested demand (0 outstanding))',
      ]);
      const late = new Error('late');
      const { reported, dropped } = withCaptured(() => inner.onError(late));
      expect(reported).toEqual([]);
      expect(dropped).toEqual([late]); // after the stage stopped it nobody listens (ADR 0012)
    });

    it('reports an error after its own completion (§1.7) and drops one after a cancel (ADR 0012)', () => {
      const parent = recordingParent();
      const completed = new FlatMapInner<number>(parent, 1);
      completed.onSubscribe(recordingSubscription());
      completed.onComplete();
      const afterEnd = new Error('after the end');
      const cancelled = new FlatMapInner<number>(parent, 1);
      cancelled.onSubscribe(recordingSubscription());
      cancelled.cancel();
      const afterCancel = new Error('after cancel');
      const { reported, dropped } = withCaptured(() => {
        completed.onError(afterEnd);
        completed.cancel(); // the stage cancels a finished inner too: still an error after its own end
        completed.onError(afterEnd);
        cancelled.onError(afterCancel);
      });
      expect(reported).toEqual([afterEnd, afterEnd]);
      expect(dropped).toEqual([afterCancel]);
      expect(parent.log).toEqual(['completed']);
    });

    it('enforces §2.13 and §2.5: null signals throw, a second subscription and one after cancel are cancelled', () => {
      const inner = new FlatMapInner<number>(recordingParent(), 2);
      expect(() => inner.onSubscribe(null as never)).toThrow(/§2\.13/);
      const first = recordingSubscription();
      const second = recordingSubscription();
      inner.onSubscribe(first);
      inner.onSubscribe(second);
      expect(second.calls).toEqual(['cancel']);
      expect(() => inner.onNext(null as never)).toThrow(/§2\.13/);
      expect(() => inner.onError(null as never)).toThrow(/§2\.13/);
      const cancelledFirst = new FlatMapInner<number>(recordingParent(), 2);
      cancelledFirst.cancel();
      const late = recordingSubscription();
      cancelledFirst.onSubscribe(late);
      expect(late.calls).toEqual(['cancel']);
    });
  });
});
