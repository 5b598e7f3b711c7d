import { describe, expect, it } from 'vitest';
import {
  FailedPublisher, ReferenceProcessor, ReferencePublisher, ReferenceSubscriber, type Report,
  verifyProcessor, verifyPublisher, verifySubscriberBlackbox, verifySubscriberWhitebox,
} from '@sluice/tck';

// The TCK's reference implementations must pass everything: a suite that fails correct code is as useless as one
// that passes broken code. Short timeouts keep this fast; nothing here asserts wall-clock time.
const env = { defaultTimeoutMillis: 200, defaultNoSignalsTimeoutMillis: 20, publisherReferenceGCTimeoutMillis: 20 };

function failures(report: Report): string[] {
  return report.results.filter((r) => r.status === 'failed').map((r) => `${r.id}: ${r.message}`);
}

function skippedIds(report: Report): string[] {
  return report.results.filter((r) => r.status === 'skipped').map((r) => r.id);
}

describe('reference implementations', () => {
  it('the reference publisher passes every publisher test, skipping only the untested ones', async () => {
    const report = await verifyPublisher({
      createPublisher: (n) => new ReferencePublisher(n, (i) => i),
      createFailedPublisher: () => new FailedPublisher(),
      env,
    });
    expect(failures(report)).toEqual([]);
    expect(report.results).toHaveLength(44);
    expect(skippedIds(report).every((id) => id.startsWith('untested_'))).toBe(true);
    expect(report.summary).toEqual({ passed: 37, failed: 0, skipped: 7 });
  });

  it('the reference subscriber passes the blackbox verification', async () => {
    const report = await verifySubscriberBlackbox({
      createSubscriber: () => new ReferenceSubscriber<number>(),
      createElement: (i) => i,
      env,
    });
    expect(failures(report)).toEqual([]);
    expect(report.results).toHaveLength(26);
    expect(report.summary).toEqual({ passed: 11, failed: 0, skipped: 15 });
  });

  it('the reference subscriber passes the whitebox verification', async () => {
    const report = await verifySubscriberWhitebox({
      createSubscriber: (probe) => new ReferenceSubscriber<number>({ probe }),
      createElement: (i) => i,
      env,
    });
    expect(failures(report)).toEqual([]);
    expect(report.results).toHaveLength(27);
    expect(report.summary).toEqual({ passed: 14, failed: 0, skipped: 13 });
  });

  it('the reference processor passes the identity processor verification', async () => {
    const report = await verifyProcessor({
      createIdentityProcessor: (bufferSize) => new ReferenceProcessor<number>(bufferSize),
      createElement: (i) => i,
      createFailedPublisher: () => new FailedPublisher(),
      env,
    });
    expect(failures(report)).toEqual([]);
    expect(report.results).toHaveLength(44 + 27 + 3);
    expect(skippedIds(report).every((id) => id.startsWith('untested_'))).toBe(true);
    expect(report.summary).toEqual({ passed: 54, failed: 0, skipped: 20 });
  });
});
