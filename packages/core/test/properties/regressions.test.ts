// Regression tests for the defects the issue #8 property, leak and stack suites caught, each named after its find.
import { describe, expect, it } from 'vitest';
import { buffer } from '../../src/operators/buffer';
import { create, type CreateEmitter } from '../../src/sources/create';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { collectGarbage } from '../support/collectGarbage';
import { toFlow } from '../../src/internal/lift';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';

describe('regressions found by the property suites', () => {
  it('buffer does not signal onComplete after the subscriber cancelled inside the final partial array onNext', () => {
    const upstream = new TestPublisher<number>();
    const s = new TestSubscriber<number[]>({ initialRequest: 'unbounded', onNext: (_, sub) => sub.cancel() });
    toFlow(upstream).pipe(buffer(3)).subscribe(s);
    upstream.next(1);
    upstream.complete();
    expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(1)', 'cancel']);
    expect(s.violations).toEqual([]);
  });

  it('create releases the subscriber after a bad request while the producer still holds its emitter (the stored §3.9 RangeError kept its stack frames)', async () => {
    const kept: CreateEmitter<number>[] = [];
    const flow = create<number>((emitter) => { kept.push(emitter); }); // a producer that never lets go
    const reported = captureReportedErrors();
    const ref = ((): WeakRef<object> => {
      const s = new TestSubscriber<number>();
      flow.subscribe(s);
      s.request(-1);
      expect(s.error).toBeInstanceOf(RangeError);
      return new WeakRef(s);
    })();
    reported.restore();
    await collectGarbage();
    expect(kept).toHaveLength(1);
    expect(ref.deref()).toBeUndefined();
  });
});
