import { map } from '../../src/index';
import { MarbleTester, type ColdFlow, type HotFlow } from '../../src/testing/index';

// Type tests (checked by `tsc`, not run): marble sources carry their value type through pipe and into toBe.
const m = new MarbleTester();
const letters: ColdFlow<string> = m.cold('a-b|');
const numbers: ColdFlow<number> = m.cold('a-b|', { a: 1, b: 2 });
const hot: HotFlow<boolean> = m.hot('^t-f|', { t: true, f: false });
m.expectFlow(numbers.pipe(map((n) => n * 2))).toBe('x-y|', { x: 2, y: 4 });
m.expectFlow(letters, { request: '1-k', requestValues: { k: 16 } }).toBe('a-b|');
m.expectRequests(hot).toBe('*');
// @ts-expect-error the flow emits numbers: the values of toBe must be numbers too
m.expectFlow(numbers).toBe('x', { x: 'two' });
// @ts-expect-error request counts are numbers
m.expectFlow(letters, { request: 'k', requestValues: { k: 'many' } });
void hot;
