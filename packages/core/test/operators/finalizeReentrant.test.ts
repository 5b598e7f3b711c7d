import { describe, expect, it } from 'vitest';
import { finalize, type FinalSignal } from '../../src/operators/finalize';
import { fail } from '../../src/sources/fail';
import { range } from '../../src/sources/range';
import type { Subscription } from '../../src/spec/Subscription';

// Issue 13 item 9: a cancel() from inside downstream's onComplete/onError is a no-op (§3.7), so finalize reports the
// signal that ended the stream.
describe('finalize with a cancel from inside the terminal signal', () => {
  function cancellingOnTerminal(signals: FinalSignal[]) {
    let subscription: Subscription | null = null;
    return {
      onSubscribe(s: Subscription) {
        subscription = s;
        s.request(10);
      },
      onNext() {},
      onError() {
        subscription!.cancel();
        signals.push('seen-error' as FinalSignal);
      },
      onComplete() {
        subscription!.cancel();
        signals.push('seen-complete' as FinalSignal);
      },
    };
  }

  describe('behaviour', () => {
    it("reports 'complete' when downstream cancels inside onComplete", () => {
      const signals: FinalSignal[] = [];
      range(0, 2).pipe(finalize((s) => signals.push(s))).subscribe(cancellingOnTerminal(signals));
      expect(signals).toEqual(['seen-complete', 'complete']);
    });

    it("reports 'error' when downstream cancels inside onError", () => {
      const signals: FinalSignal[] = [];
      fail<number>(new Error('x')).pipe(finalize((s) => signals.push(s))).subscribe(cancellingOnTerminal(signals));
      expect(signals).toEqual(['seen-error', 'error']);
    });
  });
});
