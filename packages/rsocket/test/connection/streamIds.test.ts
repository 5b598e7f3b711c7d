import { describe, expect, it } from 'vitest';
import { never, of, type Flow } from '@sluice/core';
import { TestSubscriber } from '@sluice/core/testing';
import { FrameType, MAX_31, dataString, payload, type Payload, type RSocketConnection } from '@sluice/rsocket';
import { flush } from '../support/memory';
import { connectedPair, ofType } from '../support/pair';

// RSocket "Stream Identifiers": client ids are odd from 1, server ids even from 2, both by 2. Once 2^31−1 was used
// the requester may wrap and restart at 1 (client) or 2 (server), skipping ids still in use; the responder must
// assume ids are reused. Reaching 2^31−1 by opening a billion streams is out of reach for a test, so the counter is
// moved next to the limit (white-box: `nextStreamId` is the connection's private allocation cursor).
const moveCursor = (connection: RSocketConnection, next: number) => {
  (connection as unknown as { nextStreamId: number }).nextStreamId = next;
};

/** 'hold' streams stay open (their ids stay in use); anything else is answered with one echo and completes. */
const echoOrHold = (p: Payload): Flow<Payload> => (dataString(p) === 'hold' ? never<Payload>() : of(payload(`re:${dataString(p)}`)));

function open(connection: RSocketConnection, data: string): TestSubscriber<Payload> {
  const subscriber = new TestSubscriber<Payload>(1);
  connection.requestStream(payload(data)).subscribe(subscriber);
  return subscriber;
}

describe('stream id wraparound', () => {
  it('the client reaches 2^31−1, wraps to the lowest odd id, skips ids in use, and the server serves reused ids', async () => {
    const { client, clientEnd } = await connectedPair({ responder: { requestStream: echoOrHold } });
    const held = open(client, 'hold'); // id 1, kept open
    await flush();
    moveCursor(client, MAX_31 - 2);
    const a = open(client, 'a'); // 2^31−3
    const b = open(client, 'b'); // 2^31−1, the largest id
    const c = open(client, 'c'); // wraps: 1 is in use, so 3
    await flush();
    const ids = () => ofType(clientEnd.sent, FrameType.REQUEST_STREAM).map((f) => f.streamId);
    expect(ids()).toEqual([1, MAX_31 - 2, MAX_31, 3]);
    expect([a, b, c].map((s) => s.values.map(dataString))).toEqual([['re:a'], ['re:b'], ['re:c']]);
    expect([a, b, c].every((s) => s.completed)).toBe(true);

    // id 1 is freed; after the next wrap the server accepts it again as a new stream (not a frame for a finished one)
    held.cancel();
    await flush();
    moveCursor(client, MAX_31);
    const d = open(client, 'd'); // 2^31−1 again (free since b completed)
    const e = open(client, 'e'); // wraps to 1, free now
    await flush();
    expect(ids().slice(4)).toEqual([MAX_31, 1]);
    expect(d.values.map(dataString)).toEqual(['re:d']);
    expect(e.values.map(dataString)).toEqual(['re:e']);
    expect(client.inspect().ignoredFrames).toBe(0);
    expect(e.violations).toEqual([]);
  });

  it('the server wraps from 2^31−2 to the lowest even id, skipping ids in use', async () => {
    const { serverConnection, serverEnd } = await connectedPair({ clientResponder: { requestStream: echoOrHold } });
    const server = serverConnection();
    open(server, 'hold'); // id 2, kept open
    await flush();
    moveCursor(server, MAX_31 - 1);
    const a = open(server, 'a'); // 2^31−2, the largest even id
    const b = open(server, 'b'); // wraps: 2 is in use, so 4
    await flush();
    expect(ofType(serverEnd.sent, FrameType.REQUEST_STREAM).map((f) => f.streamId)).toEqual([2, MAX_31 - 1, 4]);
    expect([a, b].map((s) => s.values.map(dataString))).toEqual([['re:a'], ['re:b']]);
  });

  it('after a wrap into a run of live ids, the first free id past the run is used (no give-up before all are in use)', async () => {
    const { client, clientEnd } = await connectedPair({ responder: { requestStream: echoOrHold } });
    for (let i = 0; i < 1_500; i++) open(client, 'hold'); // ids 1, 3, …, 2999 stay in use
    await flush();
    moveCursor(client, MAX_31 + 2); // the next allocation wraps to 1
    const next = open(client, 'x');
    await flush();
    expect(ofType(clientEnd.sent, FrameType.REQUEST_STREAM).at(-1)!.streamId).toBe(3_001);
    expect(next.values.map(dataString)).toEqual(['re:x']);
  });
});
