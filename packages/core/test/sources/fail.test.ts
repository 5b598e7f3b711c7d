import { describe, expect, it } from 'vitest';
import { fail } from '../../src/sources/fail';
import { TestSubscriber } from '../../src/testing/TestSubscriber';

describe('fail', () => {
  describe('behaviour', () => {
    it('signals the given error right after onSubscribe', () => {
      const error = new Error('boom');
      const s = new TestSubscriber<never>();
      fail(error).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'error(Error: boom)']);
      expect(s.error).toBe(error);
    });

    it('calls an error factory once per subscriber', () => {
      let calls = 0;
      const flow = fail(() => new Error(`call ${++calls}`));
      const a = new TestSubscriber<never>();
      const b = new TestSubscriber<never>();
      flow.subscribe(a);
      flow.subscribe(b);
      expect([a.error?.message, b.error?.message]).toEqual(['call 1', 'call 2']);
    });
  });

  describe('demand', () => {
    it('ignores requests after the error', () => {
      const s = new TestSubscriber<never>();
      fail(new Error('x')).subscribe(s);
      s.request(1);
      expect(s.log).toEqual(['subscribe', 'error(Error: x)', 'request(1)']);
      expect(s.violations).toEqual([]);
    });
  });

  describe('errors', () => {
    it('signals what the factory throws', () => {
      const s = new TestSubscriber<never>();
      fail(() => {
        throw new RangeError('factory broke');
      }).subscribe(s);
      expect(s.error).toBeInstanceOf(RangeError);
    });

    it('signals a TypeError when the factory returns undefined', () => {
      const s = new TestSubscriber<never>();
      fail(() => undefined).subscribe(s);
      expect(s.error?.message).toBe('fail: the error factory returned undefined, not an error');
    });

    it('wraps a non-Error value, keeping it as cause', () => {
      const s = new TestSubscriber<never>();
      fail('plain').subscribe(s);
      expect(s.error).toBeInstanceOf(Error);
      expect(s.error?.cause).toBe('plain');
    });

    it('rejects null and undefined at assembly time', () => {
      expect(() => fail(null)).toThrow(TypeError);
      expect(() => fail(undefined)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('does not signal the error when cancelled inside onSubscribe', () => {
      const s = new TestSubscriber<never>({ onSubscribe: (sub) => sub.cancel() });
      fail(new Error('x')).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'cancel']);
    });
  });

  describe('empty and edge cases', () => {
    it('signals the §3.9 error first when the subscriber makes an invalid request inside onSubscribe', () => {
      const s = new TestSubscriber<never>({ initialRequest: -1 });
      fail(new Error('x')).subscribe(s);
      expect(s.error?.message).toMatch(/^§3\.9:/);
      expect(s.violations).toEqual([]);
    });
  });
});
