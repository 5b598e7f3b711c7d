// W4 an async boundary: range(0, N) → observeOn(scheduler) → sum. sluice moves items in batches of up to
// `prefetch` per scheduler task; RxJS's observeOn schedules one task per item.
export const expected = (n) => (n * (n - 1)) / 2;

const sluice = (schedulerName) => async (n) => {
  const core = await import('@sluice/core');
  let sum = 0;
  await core.forEach(core.range(0, n).pipe(core.observeOn(core[schedulerName])), (x) => { sum += x; });
  return sum;
};

const rx = (schedulerName) => async (n) => {
  const rxjs = await import('rxjs');
  let sum = 0;
  await new Promise((resolve, reject) => rxjs.range(0, n).pipe(rxjs.observeOn(rxjs[schedulerName]))
    .subscribe({ next: (x) => { sum += x; }, error: reject, complete: resolve }));
  return sum;
};

export const impls = {
  'sluice observeOn(microtask)': sluice('microtaskScheduler'),
  'sluice observeOn(macrotask)': sluice('macrotaskScheduler'),
  'rxjs observeOn(asapScheduler)': rx('asapScheduler'),
  'rxjs observeOn(asyncScheduler)': rx('asyncScheduler'),
};

export const slow = new Set(['rxjs observeOn(asyncScheduler)']);
