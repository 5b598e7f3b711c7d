import { settle, watchdog } from '../../../core/test/support/async';

/** Waits (by event-loop turns, not by time) until `condition` holds; a watchdog fails a hang after 10 s. */
export function eventually(condition: () => boolean, what = 'the condition'): Promise<void> {
  return watchdog((async () => {
    while (!condition()) await settle(1);
  })(), 10_000, what);
}

/** Walks a frame log of one stream and returns the worst credit balance seen by the sender of PAYLOADs (≥ 0 = exact). */
export function minimumCredit(entries: readonly { direction: string; type: string; requestN?: number; next?: boolean; follows?: boolean }[], payloadDirection: 'in' | 'out'): number {
  let credit = 0;
  let min = Infinity;
  let continuing = false;
  for (const e of entries) {
    if (e.direction !== payloadDirection && (e.type === 'REQUEST_STREAM' || e.type === 'REQUEST_CHANNEL' || e.type === 'REQUEST_N')) credit += e.requestN!;
    if (e.direction === payloadDirection && e.type === 'PAYLOAD' && e.next) {
      if (!continuing) {
        credit--; // one credit per payload, whatever the number of fragments
        min = Math.min(min, credit);
      }
      continuing = e.follows === true;
    }
  }
  return min;
}
