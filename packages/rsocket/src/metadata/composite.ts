import { ErrorCode } from '../frame/constants';
import { RSocketError } from '../errors';

// Composite metadata (Extensions/CompositeMetadata.md) and routing metadata (Extensions/Routing.md).

export const COMPOSITE_METADATA_MIME = 'message/x.rsocket.composite-metadata.v0';
export const ROUTING_MIME = 'message/x.rsocket.routing.v0';

/** The well-known MIME types (Extensions/WellKnownMimeTypes.md): id → name. */
export const WELL_KNOWN_MIME_TYPES: ReadonlyMap<number, string> = new Map<number, string>([
  [0x00, 'application/avro'],
  [0x01, 'application/cbor'],
  [0x02, 'application/graphql'],
  [0x03, 'application/gzip'],
  [0x04, 'application/javascript'],
  [0x05, 'application/json'],
  [0x06, 'application/octet-stream'],
  [0x07, 'application/pdf'],
  [0x08, 'application/vnd.apache.thrift.binary'],
  [0x09, 'application/vnd.google.protobuf'],
  [0x0A, 'application/xml'],
  [0x0B, 'application/zip'],
  [0x0C, 'audio/aac'],
  [0x0D, 'audio/mp3'],
  [0x0E, 'audio/mp4'],
  [0x0F, 'audio/mpeg3'],
  [0x10, 'audio/mpeg'],
  [0x11, 'audio/ogg'],
  [0x12, 'audio/opus'],
  [0x13, 'audio/vorbis'],
  [0x14, 'image/bmp'],
  [0x15, 'image/gif'],
  [0x16, 'image/heic-sequence'],
  [0x17, 'image/heic'],
  [0x18, 'image/heif-sequence'],
  [0x19, 'image/heif'],
  [0x1A, 'image/jpeg'],
  [0x1B, 'image/png'],
  [0x1C, 'image/tiff'],
  [0x1D, 'multipart/mixed'],
  [0x1E, 'text/css'],
  [0x1F, 'text/csv'],
  [0x20, 'text/html'],
  [0x21, 'text/plain'],
  [0x22, 'text/xml'],
  [0x23, 'video/H264'],
  [0x24, 'video/H265'],
  [0x25, 'video/VP8'],
  [0x26, 'application/x-hessian'],
  [0x27, 'application/x-java-object'],
  [0x28, 'application/cloudevents+json'],
  [0x29, 'application/x-capnp'],
  [0x2A, 'application/x-flatbuffers'],
  [0x7A, 'message/x.rsocket.mime-type.v0'],
  [0x7b, 'message/x.rsocket.accept-mime-types.v0'],
  [0x7C, 'message/x.rsocket.authentication.v0'],
  [0x7D, 'message/x.rsocket.tracing-zipkin.v0'],
  [0x7E, 'message/x.rsocket.routing.v0'],
  [0x7F, 'message/x.rsocket.composite-metadata.v0'],
]);
const idsByName = new Map<string, number>([...WELL_KNOWN_MIME_TYPES].map(([id, name]) => [name, id]));

/** One entry of composite metadata. */
export interface MetadataEntry {
  readonly mimeType: string;
  readonly content: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Encodes composite metadata. Well-known MIME types use their one-byte id (M bit set); others are written as
 * US-ASCII with a 7-bit length (stored as length − 1, so 1…128 bytes).
 */
export function encodeCompositeMetadata(entries: Iterable<MetadataEntry>): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const entry of entries) {
    const id = idsByName.get(entry.mimeType);
    let header: Uint8Array;
    if (id !== undefined) {
      header = new Uint8Array([0x80 | id]);
    } else {
      const mime = entry.mimeType;
      if (mime.length < 1 || mime.length > 128 || /[^\x00-\x7f]/.test(mime)) {
        throw new RangeError(`composite metadata: a MIME type must be 1…128 US-ASCII characters, got ${JSON.stringify(mime)}`);
      }
      header = new Uint8Array(1 + mime.length);
      header[0] = mime.length - 1;
      for (let i = 0; i < mime.length; i++) header[1 + i] = mime.charCodeAt(i);
    }
    const length = entry.content.length;
    if (length > 0xffffff) throw new RangeError(`composite metadata: an entry is at most 16,777,215 bytes, got ${length}`);
    const lengthBytes = new Uint8Array([length >>> 16, (length >>> 8) & 0xff, length & 0xff]);
    parts.push(header, lengthBytes, entry.content);
    total += header.length + 3 + length;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Decodes composite metadata; a malformed buffer is an RSocketError[INVALID]. Contents are views, not copies. */
export function decodeCompositeMetadata(bytes: Uint8Array): MetadataEntry[] {
  const entries: MetadataEntry[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const first = bytes[offset++]!;
    let mimeType: string;
    if (first & 0x80) {
      const id = first & 0x7f;
      mimeType = WELL_KNOWN_MIME_TYPES.get(id) ?? `unknown-well-known-mime-type/0x${id.toString(16).padStart(2, '0')}`;
    } else {
      const length = first + 1;
      if (offset + length > bytes.length) throw invalid('a MIME type runs past the end');
      mimeType = decoder.decode(bytes.subarray(offset, offset + length));
      offset += length;
    }
    if (offset + 3 > bytes.length) throw invalid('an entry length runs past the end');
    const length = (bytes[offset]! << 16) | (bytes[offset + 1]! << 8) | bytes[offset + 2]!;
    offset += 3;
    if (offset + length > bytes.length) throw invalid(`an entry of ${length} bytes runs past the end`);
    entries.push({ mimeType, content: bytes.subarray(offset, offset + length) });
    offset += length;
  }
  return entries;
}

/** Routing metadata: each tag as an 8-bit length and UTF-8 bytes. */
export function encodeRoutingMetadata(...tags: string[]): Uint8Array {
  const encoded = tags.map((tag) => encoder.encode(tag));
  let total = 0;
  for (const tag of encoded) {
    if (tag.length === 0 || tag.length > 255) throw new RangeError(`routing metadata: a tag is 1…255 UTF-8 bytes, got ${tag.length}`);
    total += 1 + tag.length;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const tag of encoded) {
    out[offset] = tag.length;
    out.set(tag, offset + 1);
    offset += 1 + tag.length;
  }
  return out;
}

export function decodeRoutingMetadata(bytes: Uint8Array): string[] {
  const tags: string[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const length = bytes[offset++]!;
    if (offset + length > bytes.length) throw invalid('a routing tag runs past the end');
    tags.push(decoder.decode(bytes.subarray(offset, offset + length)));
    offset += length;
  }
  return tags;
}

/** Composite metadata carrying one routing entry: what Spring's `@MessageMapping` clients send. */
export function routeMetadata(route: string, ...more: MetadataEntry[]): Uint8Array {
  return encodeCompositeMetadata([{ mimeType: ROUTING_MIME, content: encodeRoutingMetadata(route) }, ...more]);
}

function invalid(what: string): RSocketError {
  return new RSocketError(ErrorCode.INVALID, `RSocket composite metadata: malformed: ${what}`);
}
