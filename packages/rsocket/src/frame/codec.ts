import { ProtocolError } from '../errors';
import { EMPTY } from '../Payload';
import { FRAME_HEADER_SIZE, Flags, FrameType, MAX_24, MAX_31, frameTypeName } from './constants';
import type { Frame } from './Frame';

// The frame codec (Protocol.md "Frame Header Format" and one section per frame type). Big endian throughout.
// decodeFrame never throws anything but ProtocolError, and never allocates past the frame: byte fields are views.

const utf8 = new TextDecoder('utf-8', { fatal: false });
const textEncoder = new TextEncoder();

/** The size of the frame `frame` encodes to (header included, no transport length prefix). */
export function encodedSize(frame: Frame): number {
  switch (frame.type) {
    case FrameType.SETUP:
      return FRAME_HEADER_SIZE + 12 + (frame.resumeToken ? 2 + frame.resumeToken.length : 0) +
        2 + asciiLength(frame.metadataMimeType) + asciiLength(frame.dataMimeType) + payloadSize(frame.data, frame.metadata);
    case FrameType.LEASE:
      return FRAME_HEADER_SIZE + 8 + (frame.metadata?.length ?? 0);
    case FrameType.KEEPALIVE:
      return FRAME_HEADER_SIZE + 8 + frame.data.length;
    case FrameType.REQUEST_RESPONSE:
    case FrameType.REQUEST_FNF:
    case FrameType.PAYLOAD:
      return FRAME_HEADER_SIZE + payloadSize(frame.data, frame.metadata);
    case FrameType.REQUEST_STREAM:
    case FrameType.REQUEST_CHANNEL:
      return FRAME_HEADER_SIZE + 4 + payloadSize(frame.data, frame.metadata);
    case FrameType.REQUEST_N:
    case FrameType.ERROR:
      return FRAME_HEADER_SIZE + 4 + (frame.type === FrameType.ERROR ? textEncoder.encode(frame.message).length : 0);
    case FrameType.CANCEL:
      return FRAME_HEADER_SIZE;
    case FrameType.METADATA_PUSH:
      return FRAME_HEADER_SIZE + frame.metadata.length;
    case FrameType.EXT:
      return FRAME_HEADER_SIZE + 4 + frame.body.length;
    default:
      return FRAME_HEADER_SIZE + frame.body.length;
  }
}

/** The bytes of a PAYLOAD or REQUEST_* body: a 24-bit metadata length when metadata is present, metadata, data. */
export function payloadSize(data: Uint8Array, metadata: Uint8Array | null): number {
  return (metadata === null ? 0 : 3 + metadata.length) + data.length;
}

/**
 * Encodes one frame. Throws RangeError for a frame the protocol cannot carry (over 16,777,215 bytes, metadata over
 * 2^24−1, out-of-range numbers): the connection fragments payloads before they reach this point.
 */
export function encodeFrame(frame: Frame): Uint8Array {
  const message = frame.type === FrameType.ERROR ? textEncoder.encode(frame.message) : null;
  const size = message === null ? encodedSize(frame) : FRAME_HEADER_SIZE + 4 + message.length;
  if (size > MAX_24) throw new RangeError(`RSocket Max Frame Size: a ${frameTypeName(typeOf(frame))} frame of ${size} bytes exceeds 16,777,215`);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer, bytes.byteOffset, size);
  let flags = frame.ignore ? Flags.IGNORE : 0;
  let offset = FRAME_HEADER_SIZE;
  switch (frame.type) {
    case FrameType.SETUP: {
      if (frame.metadata !== null) flags |= Flags.METADATA;
      if (frame.resumeToken) flags |= Flags.RESUME_ENABLE;
      if (frame.lease) flags |= Flags.LEASE;
      view.setUint16(offset, frame.majorVersion);
      view.setUint16(offset + 2, frame.minorVersion);
      view.setUint32(offset + 4, u31(frame.keepAlive, 'keepAlive'));
      view.setUint32(offset + 8, u31(frame.lifetime, 'lifetime'));
      offset += 12;
      if (frame.resumeToken) {
        view.setUint16(offset, frame.resumeToken.length);
        bytes.set(frame.resumeToken, offset + 2);
        offset += 2 + frame.resumeToken.length;
      }
      offset = writeMime(bytes, offset, frame.metadataMimeType);
      offset = writeMime(bytes, offset, frame.dataMimeType);
      writePayload(bytes, view, offset, frame.data, frame.metadata);
      break;
    }
    case FrameType.LEASE:
      if (frame.metadata !== null) flags |= Flags.METADATA;
      view.setUint32(offset, u31(frame.ttl, 'ttl'));
      view.setUint32(offset + 4, u31(frame.requestCount, 'requestCount'));
      if (frame.metadata !== null) bytes.set(frame.metadata, offset + 8); // metadata only: no length field
      break;
    case FrameType.KEEPALIVE:
      if (frame.respond) flags |= Flags.RESPOND;
      view.setUint32(offset, Math.floor(frame.lastReceivedPosition / 0x100000000) & MAX_31);
      view.setUint32(offset + 4, frame.lastReceivedPosition >>> 0);
      bytes.set(frame.data, offset + 8);
      break;
    case FrameType.REQUEST_RESPONSE:
    case FrameType.REQUEST_FNF:
      if (frame.metadata !== null) flags |= Flags.METADATA;
      if (frame.follows) flags |= Flags.FOLLOWS;
      writePayload(bytes, view, offset, frame.data, frame.metadata);
      break;
    case FrameType.REQUEST_STREAM:
    case FrameType.REQUEST_CHANNEL:
      if (frame.metadata !== null) flags |= Flags.METADATA;
      if (frame.follows) flags |= Flags.FOLLOWS;
      if (frame.type === FrameType.REQUEST_CHANNEL && frame.complete) flags |= Flags.COMPLETE;
      view.setUint32(offset, u31(frame.requestN, 'requestN'));
      writePayload(bytes, view, offset + 4, frame.data, frame.metadata);
      break;
    case FrameType.REQUEST_N:
      view.setUint32(offset, u31(frame.requestN, 'requestN'));
      break;
    case FrameType.CANCEL:
      break;
    case FrameType.PAYLOAD:
      if (frame.metadata !== null) flags |= Flags.METADATA;
      if (frame.follows) flags |= Flags.FOLLOWS;
      if (frame.complete) flags |= Flags.COMPLETE;
      if (frame.next) flags |= Flags.NEXT;
      writePayload(bytes, view, offset, frame.data, frame.metadata);
      break;
    case FrameType.ERROR:
      view.setUint32(offset, frame.code >>> 0);
      bytes.set(message!, offset + 4);
      break;
    case FrameType.METADATA_PUSH:
      flags |= Flags.METADATA; // METADATA_PUSH always carries the M flag, and no metadata length field
      bytes.set(frame.metadata, offset);
      break;
    case FrameType.EXT:
      view.setUint32(offset, u31(frame.extendedType, 'extendedType'));
      bytes.set(frame.body, offset + 4);
      break;
    default:
      flags = frame.flags ?? flags;
      bytes.set(frame.body, offset);
  }
  view.setUint32(0, u31(frame.streamId, 'streamId'));
  view.setUint16(4, ((typeOf(frame) & 0x3f) << 10) | (flags & 0x3ff));
  return bytes;
}

/**
 * Decodes one whole frame (no length prefix). Byte fields are views into `bytes`. Throws only ProtocolError, whose
 * `ignorable` is the frame's I flag when the header was readable.
 */
export function decodeFrame(bytes: Uint8Array): Frame {
  const length = bytes.length;
  if (length < FRAME_HEADER_SIZE) throw new ProtocolError(`RSocket Frame Header Format: truncated frame of ${length} bytes; a header needs 6`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, length);
  const streamId = view.getUint32(0) & MAX_31; // the reserved top bit is not interpreted
  const typeAndFlags = view.getUint16(4);
  const type = typeAndFlags >>> 10;
  const flags = typeAndFlags & 0x3ff;
  const ignore = (flags & Flags.IGNORE) !== 0;
  const hasMetadata = (flags & Flags.METADATA) !== 0;
  const need = (bytesNeeded: number, what: string): void => {
    if (length < bytesNeeded) {
      throw new ProtocolError(`RSocket ${frameTypeName(type)} Frame: truncated: ${what} needs ${bytesNeeded} bytes, the frame has ${length}`, ignore);
    }
  };
  let offset = FRAME_HEADER_SIZE;
  switch (type) {
    case FrameType.SETUP: {
      need(offset + 12, 'the version, keepalive and lifetime fields');
      const majorVersion = view.getUint16(offset);
      const minorVersion = view.getUint16(offset + 2);
      const keepAlive = view.getUint32(offset + 4) & MAX_31;
      const lifetime = view.getUint32(offset + 8) & MAX_31;
      offset += 12;
      let resumeToken: Uint8Array | null = null;
      if ((flags & Flags.RESUME_ENABLE) !== 0) {
        need(offset + 2, 'the resume token length');
        const tokenLength = view.getUint16(offset);
        need(offset + 2 + tokenLength, `a resume token of ${tokenLength} bytes`);
        resumeToken = bytes.subarray(offset + 2, offset + 2 + tokenLength);
        offset += 2 + tokenLength;
      }
      need(offset + 1, 'the metadata MIME length');
      const metadataMimeLength = bytes[offset]!;
      need(offset + 1 + metadataMimeLength, `a metadata MIME type of ${metadataMimeLength} bytes`);
      const metadataMimeType = ascii(bytes, offset + 1, metadataMimeLength);
      offset += 1 + metadataMimeLength;
      need(offset + 1, 'the data MIME length');
      const dataMimeLength = bytes[offset]!;
      need(offset + 1 + dataMimeLength, `a data MIME type of ${dataMimeLength} bytes`);
      const dataMimeType = ascii(bytes, offset + 1, dataMimeLength);
      offset += 1 + dataMimeLength;
      const { data, metadata } = readPayload(bytes, view, offset, hasMetadata, type, ignore);
      return {
        type, streamId, flags, ignore, majorVersion, minorVersion, keepAlive, lifetime, resumeToken,
        lease: (flags & Flags.LEASE) !== 0, metadataMimeType, dataMimeType, data, metadata,
      };
    }
    case FrameType.LEASE:
      need(offset + 8, 'the TTL and number of requests');
      return {
        type, streamId, flags, ignore,
        ttl: view.getUint32(offset) & MAX_31,
        requestCount: view.getUint32(offset + 4) & MAX_31,
        metadata: hasMetadata ? bytes.subarray(offset + 8) : null,
      };
    case FrameType.KEEPALIVE:
      need(offset + 8, 'the last received position');
      return {
        type, streamId, flags, ignore,
        respond: (flags & Flags.RESPOND) !== 0,
        lastReceivedPosition: (view.getUint32(offset) & MAX_31) * 0x100000000 + view.getUint32(offset + 4),
        data: bytes.subarray(offset + 8),
      };
    case FrameType.REQUEST_RESPONSE:
    case FrameType.REQUEST_FNF: {
      const { data, metadata } = readPayload(bytes, view, offset, hasMetadata, type, ignore);
      return { type, streamId, flags, ignore, follows: (flags & Flags.FOLLOWS) !== 0, data, metadata };
    }
    case FrameType.REQUEST_STREAM:
    case FrameType.REQUEST_CHANNEL: {
      need(offset + 4, 'the initial request N');
      const requestN = view.getInt32(offset);
      const { data, metadata } = readPayload(bytes, view, offset + 4, hasMetadata, type, ignore);
      const follows = (flags & Flags.FOLLOWS) !== 0;
      if (type === FrameType.REQUEST_STREAM) return { type, streamId, flags, ignore, follows, requestN, data, metadata };
      return { type, streamId, flags, ignore, follows, complete: (flags & Flags.COMPLETE) !== 0, requestN, data, metadata };
    }
    case FrameType.REQUEST_N:
      need(offset + 4, 'the request N');
      return { type, streamId, flags, ignore, requestN: view.getInt32(offset) };
    case FrameType.CANCEL:
      return { type, streamId, flags, ignore };
    case FrameType.PAYLOAD: {
      const { data, metadata } = readPayload(bytes, view, offset, hasMetadata, type, ignore);
      return {
        type, streamId, flags, ignore, data, metadata,
        follows: (flags & Flags.FOLLOWS) !== 0,
        complete: (flags & Flags.COMPLETE) !== 0,
        next: (flags & Flags.NEXT) !== 0,
      };
    }
    case FrameType.ERROR:
      need(offset + 4, 'the error code');
      return { type, streamId, flags, ignore, code: view.getUint32(offset), message: utf8.decode(bytes.subarray(offset + 4)) };
    case FrameType.METADATA_PUSH:
      return { type, streamId, flags, ignore, metadata: bytes.subarray(offset) };
    case FrameType.EXT:
      need(offset + 4, 'the extended type');
      return { type, streamId, flags, ignore, extendedType: view.getUint32(offset) & MAX_31, body: bytes.subarray(offset + 4) };
    default:
      return { type: 'unsupported', frameType: type, streamId, flags, ignore, body: bytes.subarray(offset) };
  }
}

function readPayload(
  bytes: Uint8Array, view: DataView, offset: number, hasMetadata: boolean, type: number, ignore: boolean,
): { data: Uint8Array; metadata: Uint8Array | null } {
  if (!hasMetadata) return { data: offset === bytes.length ? EMPTY : bytes.subarray(offset), metadata: null };
  if (bytes.length < offset + 3) {
    throw new ProtocolError(`RSocket Metadata Optional Header: ${frameTypeName(type)} frame has the M flag but no room for the metadata length`, ignore);
  }
  const metadataLength = (view.getUint16(offset) << 8) | view.getUint8(offset + 2);
  const start = offset + 3;
  if (start + metadataLength > bytes.length) {
    throw new ProtocolError(
      `RSocket Metadata Optional Header: ${frameTypeName(type)} frame declares ${metadataLength} bytes of metadata, only ${bytes.length - start} remain`,
      ignore,
    );
  }
  return { metadata: bytes.subarray(start, start + metadataLength), data: bytes.subarray(start + metadataLength) };
}

function writePayload(bytes: Uint8Array, view: DataView, offset: number, data: Uint8Array, metadata: Uint8Array | null): void {
  if (metadata !== null) {
    if (metadata.length > MAX_24) throw new RangeError(`RSocket Metadata Optional Header: metadata of ${metadata.length} bytes exceeds 16,777,215`);
    view.setUint16(offset, metadata.length >>> 8);
    view.setUint8(offset + 2, metadata.length & 0xff);
    bytes.set(metadata, offset + 3);
    offset += 3 + metadata.length;
  }
  bytes.set(data, offset);
}

function writeMime(bytes: Uint8Array, offset: number, mime: string): number {
  const length = asciiLength(mime);
  bytes[offset] = length;
  for (let i = 0; i < length; i++) bytes[offset + 1 + i] = mime.charCodeAt(i);
  return offset + 1 + length;
}

function asciiLength(mime: string): number {
  if (mime.length > 255) throw new RangeError(`RSocket SETUP Frame: a MIME type is at most 255 bytes, got ${mime.length}`);
  for (let i = 0; i < mime.length; i++) {
    if (mime.charCodeAt(i) > 0x7f) throw new RangeError(`RSocket SETUP Frame: MIME types are US-ASCII, got ${JSON.stringify(mime)}`);
  }
  return mime.length;
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(bytes[offset + i]!);
  return s;
}

function u31(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_31) throw new RangeError(`RSocket: ${field} must be an integer in 0…2^31−1, got ${value}`);
  return value;
}

function typeOf(frame: Frame): number {
  return frame.type === 'unsupported' ? frame.frameType : frame.type;
}
