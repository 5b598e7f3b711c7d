import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeFrame, encodeFrame, ErrorCode, FrameType, ProtocolError, type Frame } from '@sluice/rsocket';

const bytes = (...values: number[]) => new Uint8Array(values);
const text = (s: string) => new TextEncoder().encode(s);

function roundTrip(frame: Frame): Frame {
  return decodeFrame(encodeFrame(frame));
}

describe('frame codec', () => {
  it('round-trips a SETUP with lease, resume token, MIME types, metadata and data', () => {
    const decoded = roundTrip({
      type: FrameType.SETUP, streamId: 0, majorVersion: 1, minorVersion: 0, keepAlive: 500, lifetime: 30_000,
      resumeToken: bytes(9, 8), lease: true, metadataMimeType: 'message/x.rsocket.composite-metadata.v0',
      dataMimeType: 'application/json', data: text('{}'), metadata: bytes(1),
    });
    expect(decoded).toMatchObject({
      type: FrameType.SETUP, majorVersion: 1, minorVersion: 0, keepAlive: 500, lifetime: 30_000, lease: true,
      metadataMimeType: 'message/x.rsocket.composite-metadata.v0', dataMimeType: 'application/json',
    });
    if (decoded.type !== FrameType.SETUP) throw new Error('type');
    expect([...decoded.resumeToken!]).toEqual([9, 8]);
    expect([...decoded.metadata!]).toEqual([1]);
    expect(new TextDecoder().decode(decoded.data)).toBe('{}');
  });

  it('lays out the header as 31-bit stream id, 6-bit type and 10 flag bits, big endian', () => {
    const encoded = encodeFrame({ type: FrameType.PAYLOAD, streamId: 5, follows: false, complete: true, next: true, data: bytes(7), metadata: null });
    expect([...encoded]).toEqual([0, 0, 0, 5, (0x0a << 2) | 0, 0x60, 7]);
    const withMeta = encodeFrame({ type: FrameType.REQUEST_STREAM, streamId: 1, follows: false, requestN: 3, data: bytes(), metadata: bytes(4, 4) });
    expect([...withMeta]).toEqual([0, 0, 0, 1, (0x06 << 2) | 1, 0x00, 0, 0, 0, 3, 0, 0, 2, 4, 4]);
  });

  it('round-trips LEASE, KEEPALIVE, REQUEST_*, REQUEST_N, CANCEL, PAYLOAD flags, METADATA_PUSH and EXT', () => {
    expect(roundTrip({ type: FrameType.LEASE, streamId: 0, ttl: 1000, requestCount: 7, metadata: null })).toMatchObject({ ttl: 1000, requestCount: 7, metadata: null });
    expect(roundTrip({ type: FrameType.KEEPALIVE, streamId: 0, respond: true, lastReceivedPosition: 2 ** 40 + 3, data: bytes(1, 2) }))
      .toMatchObject({ respond: true, lastReceivedPosition: 2 ** 40 + 3 });
    expect(roundTrip({ type: FrameType.REQUEST_RESPONSE, streamId: 3, follows: true, data: bytes(1), metadata: null })).toMatchObject({ follows: true, metadata: null });
    expect(roundTrip({ type: FrameType.REQUEST_FNF, streamId: 3, follows: false, data: bytes(), metadata: bytes() })).toMatchObject({ follows: false });
    expect(roundTrip({ type: FrameType.REQUEST_CHANNEL, streamId: 9, follows: false, complete: true, requestN: 2 ** 31 - 1, data: bytes(), metadata: null }))
      .toMatchObject({ complete: true, requestN: 2 ** 31 - 1 });
    expect(roundTrip({ type: FrameType.REQUEST_N, streamId: 9, requestN: 42 })).toMatchObject({ requestN: 42 });
    expect(roundTrip({ type: FrameType.CANCEL, streamId: 9 })).toMatchObject({ type: FrameType.CANCEL, streamId: 9 });
    for (const [follows, complete, next] of [[true, false, true], [false, true, false], [false, false, true]] as const) {
      expect(roundTrip({ type: FrameType.PAYLOAD, streamId: 2, follows, complete, next, data: bytes(), metadata: null })).toMatchObject({ follows, complete, next });
    }
    expect(roundTrip({ type: FrameType.METADATA_PUSH, streamId: 0, metadata: bytes(5, 6) })).toMatchObject({ type: FrameType.METADATA_PUSH });
    expect(roundTrip({ type: FrameType.EXT, streamId: 4, ignore: true, extendedType: 77, body: bytes(1) })).toMatchObject({ extendedType: 77, ignore: true });
  });

  it('round-trips ERROR with every protocol code and an application code', () => {
    for (const code of [...Object.values(ErrorCode), 0x301, 0xfffffffe]) {
      expect(roundTrip({ type: FrameType.ERROR, streamId: 1, code, message: 'häh' })).toMatchObject({ code, message: 'häh' });
    }
  });

  it('distinguishes absent metadata from present-but-empty', () => {
    const absent = roundTrip({ type: FrameType.PAYLOAD, streamId: 1, follows: false, complete: false, next: true, data: bytes(1), metadata: null });
    const empty = roundTrip({ type: FrameType.PAYLOAD, streamId: 1, follows: false, complete: false, next: true, data: bytes(1), metadata: bytes() });
    expect(absent).toMatchObject({ metadata: null });
    expect((empty as { metadata: Uint8Array }).metadata.length).toBe(0);
  });

  it('rejects truncated frames and metadata lengths past the frame with a ProtocolError', () => {
    expect(() => decodeFrame(bytes(0, 0, 0))).toThrow(ProtocolError);
    expect(() => decodeFrame(bytes(0, 0, 0, 1, FrameType.REQUEST_N << 2, 0, 0))).toThrow(/truncated: the request N needs 10 bytes/);
    // PAYLOAD with M flag declaring 9 bytes of metadata, 1 present
    expect(() => decodeFrame(bytes(0, 0, 0, 1, (FrameType.PAYLOAD << 2) | 1, 0x20, 0, 0, 9, 1))).toThrow(/declares 9 bytes of metadata, only 1 remain/);
  });

  it('reports the I flag on a malformed frame so the connection can ignore it', () => {
    try {
      decodeFrame(bytes(0, 0, 0, 1, (FrameType.REQUEST_N << 2) | 2, 0));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).ignorable).toBe(true);
    }
  });

  it('decodes unknown and unsupported types (RESUME, reserved) as unsupported, keeping the I flag', () => {
    expect(decodeFrame(bytes(0, 0, 0, 0, 0x20 << 2 | 2, 0, 1))).toMatchObject({ type: 'unsupported', frameType: 0x20, ignore: true });
    expect(decodeFrame(bytes(0, 0, 0, 0, FrameType.RESUME << 2, 0))).toMatchObject({ type: 'unsupported', frameType: FrameType.RESUME, ignore: false });
  });

  it('reads a REQUEST_N with the top bit set as negative, for the connection to reject', () => {
    expect(decodeFrame(bytes(0, 0, 0, 1, FrameType.REQUEST_N << 2, 0, 0xff, 0xff, 0xff, 0xfb))).toMatchObject({ requestN: -5 });
  });

  it('refuses to encode a frame over 16,777,215 bytes', () => {
    expect(() => encodeFrame({ type: FrameType.PAYLOAD, streamId: 1, follows: false, complete: false, next: true, data: new Uint8Array(0xffffff), metadata: null }))
      .toThrow(/Max Frame Size/);
  });

  it('fuzz: never throws anything but ProtocolError, and every byte field is a view inside the input frame', () => {
    const views = (frame: Frame): Uint8Array[] => Object.values(frame).filter((v): v is Uint8Array => v instanceof Uint8Array && v.length > 0);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), fc.integer({ min: 0, max: 0x3f }), fc.integer({ min: 0, max: 0x3ff }), (tail, type, flags) => {
        const input = new Uint8Array(6 + tail.length);
        input.set([0, 0, 0, 1, (type << 2) | (flags >> 8), flags & 0xff]);
        input.set(tail, 6);
        for (const candidate of [input, tail]) {
          try {
            const frame = decodeFrame(candidate);
            for (const view of views(frame)) {
              expect(view.buffer).toBe(candidate.buffer);
              expect(view.byteOffset + view.length).toBeLessThanOrEqual(candidate.byteOffset + candidate.length);
            }
          } catch (error) {
            if (!(error instanceof ProtocolError)) throw error;
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('fuzz: every PAYLOAD and REQUEST_STREAM the encoder builds decodes to the same fields', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.uint8Array({ maxLength: 64 }), fc.option(fc.uint8Array({ maxLength: 64 })),
        fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        (streamId, data, metadata, complete, follows, requestN) => {
          const p = roundTrip({ type: FrameType.PAYLOAD, streamId, follows, complete, next: true, data, metadata });
          expect(p).toMatchObject({ streamId, follows, complete, next: true });
          if (p.type !== FrameType.PAYLOAD) throw new Error('type');
          expect([...p.data]).toEqual([...data]);
          expect(p.metadata === null ? null : [...p.metadata]).toEqual(metadata === null ? null : [...metadata]);
          expect(roundTrip({ type: FrameType.REQUEST_STREAM, streamId, follows, requestN, data, metadata })).toMatchObject({ requestN, streamId });
        },
      ),
      { numRuns: 500 },
    );
  });
});
