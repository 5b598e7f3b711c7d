/**
 * What travels on a stream: data and optional metadata, as bytes. `metadata: null` means "no metadata" (the M flag
 * is clear), which the protocol distinguishes from present-but-empty.
 */
export interface Payload {
  readonly data: Uint8Array;
  readonly metadata: Uint8Array | null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Builds a payload; strings are encoded as UTF-8. */
export function payload(data?: Uint8Array | string | null, metadata?: Uint8Array | string | null): Payload {
  return {
    data: data == null ? EMPTY : typeof data === 'string' ? encoder.encode(data) : data,
    metadata: metadata == null ? null : typeof metadata === 'string' ? encoder.encode(metadata) : metadata,
  };
}

/** The payload's data decoded as UTF-8. */
export function dataString(p: Payload): string {
  return decoder.decode(p.data);
}

/** Builds a payload whose data is `value` as UTF-8 JSON. */
export function jsonPayload(value: unknown, metadata?: Uint8Array | string | null): Payload {
  return payload(JSON.stringify(value), metadata);
}

/** The payload's data parsed as UTF-8 JSON. */
export function dataJson<T = unknown>(p: Payload): T {
  return JSON.parse(decoder.decode(p.data)) as T;
}

export const EMPTY = new Uint8Array(0);
