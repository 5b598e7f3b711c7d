/** The fields of a stream entry as Redis returns them: names and values as strings. */
export type Fields = Record<string, string>;

/** One entry as read from Redis, before it becomes an element: `fields === null` means it was deleted while pending. */
export interface RawEntry {
  readonly id: string;
  readonly fields: Fields | null;
}

/**
 * Parses `[[id, [f1, v1, f2, v2, …]], …]` (XREADGROUP's per-stream item list and XAUTOCLAIM's second element).
 * A field name given twice keeps its last value (Redis keeps both; an object cannot).
 */
export function parseEntries(items: unknown): RawEntry[] {
  if (!Array.isArray(items)) return [];
  const entries: RawEntry[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const [id, list] = items[i] as [string, string[] | null];
    if (list === null || list === undefined) {
      entries[i] = { id, fields: null };
      continue;
    }
    const fields: Fields = {};
    for (let f = 0; f + 1 < list.length; f += 2) fields[list[f]!] = list[f + 1]!;
    entries[i] = { id, fields };
  }
  return entries;
}

/** XREADGROUP's reply for one stream: `null` (BLOCK timed out) or `[[key, items]]`. */
export function parseReadReply(reply: unknown): RawEntry[] {
  if (!Array.isArray(reply) || reply.length === 0) return [];
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
