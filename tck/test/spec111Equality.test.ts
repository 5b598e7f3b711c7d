import { describe, expect, it } from 'vitest';
import { ReferencePublisher, verifyPublisher, type Report } from '@sluice/tck';

// §1.11 compares what several subscribers received. Java compares with equals(), structural for lists; the
// JavaScript mapping compares arrays and plain objects structurally, so a publisher emitting a fresh array per
// subscriber emits "the same elements", and one emitting different contents does not.
const env = { defaultTimeoutMillis: 200, defaultNoSignalsTimeoutMillis: 20, publisherReferenceGCTimeoutMillis: 20 };
const MULTICAST = 'optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingManyUpfront';

function status(report: Report, id: string): string | undefined {
  return report.results.find((r) => r.id === id)?.status;
}

describe('§1.11 element equality', () => {
  it('treats fresh arrays with equal contents as the same elements', async () => {
    const report = await verifyPublisher({
      createPublisher: (n) => new ReferencePublisher(n, (i) => [i, { at: i }]),
      env,
      only: ['1.11'],
    });
    expect(status(report, MULTICAST)).toBe('passed');
  });

  it('tells apart arrays with different contents (the optional test is skipped with the reason)', async () => {
    let subscription = 0;
    const report = await verifyPublisher({
      createPublisher: (n) => ({
        subscribe: (s) => {
          const tag = subscription++;
          new ReferencePublisher(n, (i) => [i, tag]).subscribe(s);
        },
      }),
      env,
      only: ['1.11'],
    });
    const result = report.results.find((r) => r.id === MULTICAST);
    expect(result?.status).toBe('skipped');
    expect(result?.message).toMatch(/§1\.11: subscribers received different sequences/);
  });
});
