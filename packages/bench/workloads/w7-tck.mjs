// W7 the full TCK publisher verification of a correct in-memory publisher (sluice's range): wall time.
// N is the number of verifications run back to back.
export const expected = (n) => n;

export const impls = {
  'sluice-tck publisher verification (range)': async (n) => {
    const { range } = await import('@sluice/core');
    const { verifyPublisher } = await import('@sluice/tck');
    let failed = 0;
    for (let i = 0; i < n; i++) {
      const report = await verifyPublisher({
        createPublisher: (elements) => range(0, elements >= Number.MAX_SAFE_INTEGER ? Infinity : elements),
        createFailedPublisher: null,
      });
      failed += report.summary.failed;
    }
    if (failed > 0) throw new Error(`${failed} TCK tests failed`);
    return n;
  },
};
