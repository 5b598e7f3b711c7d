import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { map, range } from '@sluice/core';
import { captureReportedErrors } from '@sluice/core/testing';
import { ErrorCode, FrameType, RSocketConnection, encodeFrame, payload, type Frame } from '@sluice/rsocket';
import { flush, memoryPair } from '../support/memory';

const SETUP: Frame = {
  type: FrameType.SETUP, streamId: 0, majorVersion: 1, minorVersion: 0, keepAlive: 1000, lifetime: 5000, resumeToken: null, lease: false,
  metadataMimeType: 'message/x.rsocket.composite-metadata.v0', dataMimeType: 'application/octet-stream', data: new Uint8Array(), metadata: null,
};

// Frames a hostile or buggy peer might send: valid encodings with arbitrary stream ids, credits and flags, plus raw bytes.
const bytes = fc.uint8Array({ maxLength: 24 });
const streamId = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }));
const requestN = fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constant(2 ** 31 - 1), fc.constant(0));
const frame: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.record({ streamId, requestN, data: bytes, follows: fc.boolean() }).map((f) => encodeFrame({ type: FrameType.REQUEST_STREAM, metadata: null, ...f })),
  fc.record({ streamId, requestN, data: bytes, follows: fc.boolean(), complete: fc.boolean() }).map((f) => encodeFrame({ type: FrameType.REQUEST_CHANNEL, metadata: null, ...f })),
  fc.record({ streamId, data: bytes, follows: fc.boolean() }).map((f) => encodeFrame({ type: FrameType.REQUEST_RESPONSE, metadata: null, ...f })),
  fc.record({ streamId, data: bytes, follows: fc.boolean() }).map((f) => encodeFrame({ type: FrameType.REQUEST_FNF, metadata: null, ...f })),
  fc.record({ streamId, requestN }).map((f) => encodeFrame({ type: FrameType.REQUEST_N, ...f })),
  fc.record({ streamId }).map((f) => encodeFrame({ type: FrameType.CANCEL, ...f })),
  fc.record({ streamId, data: bytes, metadata: fc.option(bytes), follows: fc.boolean(), complete: fc.boolean(), next: fc.boolean() })
    .map((f) => encodeFrame({ type: FrameType.PAYLOAD, ...f })),
  fc.record({ streamId, code: fc.constantFrom(...Object.values(ErrorCode), 0x301) }).map((f) => encodeFrame({ type: FrameType.ERROR, message: 'x', ...f })),
  fc.record({ ttl: fc.nat(10), requestCount: fc.nat(3) }).map((f) => encodeFrame({ type: FrameType.LEASE, streamId: 0, metadata: null, ...f })),
  fc.boolean().map((respond) => encodeFrame({ type: FrameType.KEEPALIVE, streamId: 0, respond, lastReceivedPosition: 0, data: new Uint8Array() })),
  bytes.map((b) => encodeFrame({ type: FrameType.METADATA_PUSH, streamId: 0, metadata: b })),
  fc.uint8Array({ minLength: 6, maxLength: 20 }),
);

describe('connection fuzz', () => {
  it('any frame sequence after SETUP gets protocol answers: no exception escapes, no state is left behind on close', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { maxLength: 30 }), async (frames) => {
        const reported = captureReportedErrors();
        try {
          const ends = memoryPair();
          const server = new RSocketConnection(ends.server, 'server', { maxPayloadSize: 256 }, null, null, () => ({
            requestStream: () => range(0, 3).pipe(map((i) => payload(String(i)))),
            requestChannel: (_p, inbound) => inbound,
            requestResponse: (p) => p,
            fireAndForget: () => {},
            metadataPush: () => {},
          }));
          ends.client.setHandlers({ frame() {}, writable() {}, closed() {} });
          ends.client.sendRaw(encodeFrame(SETUP));
          for (const f of frames) ends.client.sendRaw(f);
          await flush(40);
          const snapshot = server.inspect();
          expect(snapshot.reassemblyBytes).toBeLessThanOrEqual(256 * 9);
          for (const s of snapshot.streams) expect(s.bufferedFrames).toBeLessThanOrEqual(64);
          await server.close();
          expect(server.inspect().streams).toEqual([]);
          expect(reported.errors).toEqual([]);
          // every ERROR the server sent on stream 0 is a connection-level code
          for (const sent of ends.server.sent) {
            if (sent.type === FrameType.ERROR && sent.streamId === 0) expect([ErrorCode.CONNECTION_ERROR]).toContain(sent.code);
          }
        } finally {
          reported.restore();
        }
      }),
      { numRuns: 300 },
    );
  });
});
