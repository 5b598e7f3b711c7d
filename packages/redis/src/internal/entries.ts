/** The fields of a stream entry as Redis returns them: names and values as strings. */
export type Fields = Record<string, string>;

/**
 * A batch of entries as read from Redis, in two parallel arrays (no object per entry on the per-message path):
 * `fields[i] === null` means entry `ids[i]` was deleted while pending.
 */
export interface RawBatch {
  readonly ids: string[];
  readonly fields: (Fields | null)[];
}

const EMPTY: RawBatch = { ids: [], fields: [] };

/**
 * Parses `[[id, [f1, v1, f2, v2, …]], …]` (XREADGROUP's per-stream item list and XAUTOCLAIM's second element).
 * A field name given twice keeps its last value (Redis keeps both; an object cannot).
 */
export function parseEntries(items: unknown): RawBatch {
  if (!Array.isArray(items) || items.length === 0) return EMPTY;
  const n = items.length;
  const ids: string[] = new Array(n);
  const fields: (Fields | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const item = items[i] as [string, string[] | null];
    ids[i] = item[0];
    const list = item[1];
    if (list === null || list === undefined) {
      fields[i] = null;
      continue;
    }
    const object: Fields = {};
    for (let f = 0; f + 1 < list.length; f += 2) object[list[f]!] = list[f + 1]!;
    fields[i] = object;
  }
  return { ids, fields };
}

/** XREADGROUP's reply for one stream: `null` (BLOCK timed out) or `[[key, items]]`. */
export function parseReadReply(reply: unknown): RawBatch {
  if (!Array.isArray(reply) || reply.length === 0) return EMPTY;
  const first = reply[0] as [string, unknown];
  return parseEntries(first[1]);
}

/** The bytes an entry takes on the wire (names and values, UTF-8). */
export function entryBytes(fields: Fields): number {
  let bytes = 0;
  for (const name in fields) bytes += Buffer.byteLength(name) + Buffer.byteLength(fields[name]!);
  return bytes;
}

/** `[f1, v1, f2, v2, …]` for XADD. */
export function flattenFields(fields: Fields): string[] {
  const list: string[] = [];
  for (const name in fields) list.push(name, fields[name]!);
  return list;
}
