import { describe, expect, it } from 'vitest';
import { using } from '../../src/operators/using';
import { range } from '../../src/sources/range';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { sourceContract } from '../contract/sourceContract';
import { isCollected } from '../support/collectGarbage';
import { spyUpstream } from '../support/spyUpstream';

interface Resource {
  id: number;
}

/** A resource factory and disposer that write `open(id)` / `dispose(id)` into the subscriber's log. */
function tracked(log: string[]) {
  let next = 0;
  const disposed: number[] = [];
  return {
    disposed,
    open: (): Resource => {
      const resource = { id: ++next };
      log.push(`open(${resource.id})`);
      return resource;
    },
    dispose: (resource: Resource) => {
      disposed.push(resource.id);
      log.push(`dispose(${resource.id})`);
    },
  };
}

describe('using', () => {
  // A resource-bound source is a source: the source battery applies (with a no-op resource).
  sourceContract('using', (n) => using(() => ({}), () => range(0, n), () => {}));

  describe('behaviour', () => {
    it('opens a resource per subscriber, emits its flow, and disposes before completion goes out', () => {
      const s = new TestSubscriber<number>('unbounded');
      const r = tracked(s.log);
      using(r.open, (res) => range(res.id * 10, 2), r.dispose).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'open(1)', 'next(10)', 'next(11)', 'dispose(1)', 'complete']);
    });

    it('gives each subscriber its own resource', () => {
      const log: string[] = [];
      const r = tracked(log);
      const flow = using(r.open, () => range(0, 1), r.dispose);
      flow.subscribe(new TestSubscriber<number>(1));
      flow.subscribe(new TestSubscriber<number>(1));
      expect(log).toEqual(['open(1)', 'dispose(1)', 'open(2)', 'dispose(2)']);
    });
  });

  describe('demand', () => {
    it('forwards requests made before the inner flow subscribed, then passes requests through', () => {
      const s = new TestSubscriber<number>(2);
      const r = tracked(s.log);
      using(r.open, () => spyUpstream(range(0, 5), s.log), r.dispose).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(2)', 'open(1)', 'up.request(2)', 'next(0)', 'next(1)']);
      s.request(1);
      expect(s.log.slice(6)).toEqual(['request(1)', 'up.request(1)', 'next(2)']);
      expect(s.violations).toEqual([]);
    });
  });

  describe('errors', () => {
    it('signals a throwing resourceFactory and disposes nothing', () => {
      const s = new TestSubscriber<number>();
      const disposed: unknown[] = [];
      using(() => { throw new Error('no connection'); }, () => range(0, 1), (res) => disposed.push(res)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'error(Error: no connection)']);
      expect(disposed).toEqual([]);
    });

    it('disposes the resource when flowFactory throws, then signals the error', () => {
      const s = new TestSubscriber<number>();
      const r = tracked(s.log);
      using<number, Resource>(r.open, () => { throw new Error('bad query'); }, r.dispose).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'open(1)', 'dispose(1)', 'error(Error: bad query)']);
    });

    it('disposes the resource and signals a TypeError when flowFactory returns a non-Publisher', () => {
      const s = new TestSubscriber<number>();
      const r = tracked(s.log);
      using<number, Resource>(r.open, () => 42 as never, r.dispose).subscribe(s);
      expect(s.log.slice(1, 3)).toEqual(['open(1)', 'dispose(1)']);
      expect(s.error).toBeInstanceOf(TypeError);
    });

    it('disposes before an upstream error goes out', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>('unbounded');
      const r = tracked(s.log);
      using(r.open, () => upstream, r.dispose).subscribe(s);
      upstream.error(new Error('boom'));
      expect(s.log.slice(-2)).toEqual(['dispose(1)', 'error(Error: boom)']);
    });

    it('signals a throwing dispose instead of completion', () => {
      const s = new TestSubscriber<number>('unbounded');
      using(() => 1, () => range(0, 1), () => { throw new Error('close failed'); }).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(0)', 'error(Error: close failed)']);
    });

    it('reports a throwing dispose on error and drops one on cancel, keeping the original outcome', () => {
      const reported = captureReportedErrors();
      try {
        const upstream = new TestPublisher<number>();
        const failing = new TestSubscriber<number>('unbounded');
        using(() => 1, () => upstream, () => { throw new Error('close failed'); }).subscribe(failing);
        upstream.error(new Error('boom'));
        expect(failing.error?.message).toBe('boom');
        const cancelling = new TestSubscriber<number>(1);
        using(() => 1, () => range(0, 5), () => { throw new Error('close failed too'); }).subscribe(cancelling);
        expect(() => cancelling.cancel()).not.toThrow();
        expect(reported.errors).toEqual([new Error('close failed')]);
        expect(reported.dropped).toEqual([new Error('close failed too')]);
      } finally {
        reported.restore();
      }
    });

    it('cancels the inner flow, disposes and signals §3.9 for an invalid request', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      const r = tracked(s.log);
      using(r.open, () => upstream, r.dispose).subscribe(s);
      s.request(1.5);
      expect(upstream.cancelled).toBe(true);
      expect(r.disposed).toEqual([1]);
      expect(s.error?.message).toMatch(/^§3\.9:/);
    });

    it('rejects non-function arguments at assembly', () => {
      expect(() => using(null as never, () => range(0, 1), () => {})).toThrow(TypeError);
      expect(() => using(() => 1, null as never, () => {})).toThrow(TypeError);
      expect(() => using(() => 1, () => range(0, 1), null as never)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels the inner flow, then disposes exactly once', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      const r = tracked(s.log);
      using(r.open, () => upstream, r.dispose).subscribe(s);
      s.cancel();
      s.cancel();
      upstream.complete(); // a late terminal signal from the cancelled flow changes nothing
      expect(upstream.cancelled).toBe(true);
      expect(r.disposed).toEqual([1]);
      expect(s.terminated).toBe(false);
    });

    it('never creates the resource when cancelled from inside onSubscribe', () => {
      const s = new TestSubscriber<number>({ onSubscribe: (sub) => sub.cancel() });
      const r = tracked(s.log);
      using(r.open, () => range(0, 1), r.dispose).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'cancel']);
    });

    it('releases the subscriber, the resource and the callbacks after cancel (§3.13)', async () => {
      const upstream = new TestPublisher<number>();
      const refs = (() => {
        const s = new TestSubscriber<number>(1);
        const resource = { big: new Array(10).fill(0) };
        const dispose = () => {};
        using(() => resource, () => upstream, dispose).subscribe(s);
        s.cancel();
        upstream.subscriber = null;
        return [new WeakRef(s), new WeakRef(resource), new WeakRef(dispose)];
      })();
      for (const ref of refs) expect(await isCollected(ref)).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('disposes and completes for an empty inner flow', () => {
      const s = new TestSubscriber<number>();
      const r = tracked(s.log);
      using(r.open, () => range(0, 0), r.dispose).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'open(1)', 'dispose(1)', 'complete']);
    });
  });
});
