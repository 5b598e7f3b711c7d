import { describe, expect, it } from 'vitest';
import { parseAckSubject } from '../src/index';

// The ack subject carries the delivery count and sequences; both forms the server uses are read, anything else is not.
describe('parseAckSubject', () => {
  it('reads the v1 form $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>', () => {
    expect(parseAckSubject('$JS.ACK.JOBS.workers.3.17.12.1796410092142005633.4')).toEqual(
      { stream: 'JOBS', consumer: 'workers', deliveries: 3, streamSeq: 17, consumerSeq: 12, pending: 4 });
  });

  it('reads the v2 form with domain and account hash (and a trailing token)', () => {
    expect(parseAckSubject('$JS.ACK.hub.ACCHASH.JOBS.workers.1.5.5.1796410092142005633.0.xyz')).toEqual(
      { stream: 'JOBS', consumer: 'workers', deliveries: 1, streamSeq: 5, consumerSeq: 5, pending: 0 });
  });

  it('returns null for subjects that are not ack subjects', () => {
    expect(parseAckSubject(undefined)).toBeNull();
    expect(parseAckSubject('_INBOX.abc')).toBeNull();
    expect(parseAckSubject('$JS.ACK.JOBS.workers.3')).toBeNull();
    expect(parseAckSubject('$JS.ACK.JOBS.workers.x.y.1.2.3')).toBeNull();
  });
});
