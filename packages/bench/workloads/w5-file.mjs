// W5 files: copy one file through a pass-through middle stage, in 64 KiB chunks (N = chunks), three ways:
// sluice's direct fromFile → map → toFile (FileHandle reads and writes, no Node stream at all), sluice's
// fromReadable(createReadStream) → map → toWritable(createWriteStream), and Node's
// pipeline(createReadStream, Transform, createWriteStream); plus the bare createReadStream.pipe(createWriteStream)
// ceiling. Every sample checks its result: the returned figure is the destination's size in chunks, and before the
// process exits (after the timed part) the destination's SHA-256 is compared with the source's; a mismatch exits
// non-zero, which fails the sample.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';

const CHUNK = 64 * 1024;
export const expected = (n) => n;

const sha = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

/**
 * The source file of n chunks, created once per size and kept in the temp dir for the next samples (created here at
 * import, so before any timing: sample.mjs imports the workload, then warms up on n/10, then measures n).
 */
function sourceFile(n) {
  const path = join(tmpdir(), `sluice-bench-w5-${n}x64k.bin`);
  if (!existsSync(path) || statSync(path).size !== n * CHUNK) {
    const bytes = Buffer.allocUnsafe(n * CHUNK);
    let x = 0x9e3779b9 ^ n;
    for (let i = 0; i < bytes.length; i += 4) {
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5; // xorshift32: incompressible and order-sensitive
      bytes.writeInt32LE(x | 0, i);
    }
    writeFileSync(`${path}.tmp`, bytes);
    renameSync(`${path}.tmp`, path);
  }
  return path;
}

const n = Number(process.argv[4]);
const sources = new Map();
if (Number.isSafeInteger(n) && n > 0) {
  for (const size of [Math.max(1, Math.floor(n / 10)), n]) sources.set(size, sourceFile(size));
}

/** Copies checked when the process ends: [source, destination]. */
const copies = [];
let copyId = 0;
process.once('beforeExit', () => {
  let failed = false;
  for (const [src, dst] of copies) {
    if (sha(src) !== sha(dst)) {
      process.stderr.write(`w5-file: ${dst} differs from ${src}\n`);
      failed = true;
    }
    rmSync(dst, { force: true });
  }
  if (failed) process.exit(1);
});

/** Source and a fresh destination for one run of n chunks; the result is the destination's size in chunks. */
function paths(n) {
  const src = sources.get(n) ?? sourceFile(n);
  const dst = join(tmpdir(), `sluice-bench-w5-out-${process.pid}-${copyId++}.bin`);
  copies.push([src, dst]);
  return { src, dst, result: () => statSync(dst).size / CHUNK };
}

const pass = (b) => b;

export const impls = {
  'sluice fromFile → map → toFile': async (n) => {
    const { map } = await import('@sluice/core');
    const { fromFile, toFile } = await import('@sluice/node');
    const { src, dst, result } = paths(n);
    const sink = toFile(dst);
    fromFile(src, { chunkSize: CHUNK }).pipe(map(pass)).subscribe(sink);
    await sink.finished;
    return result();
  },
  'sluice fromReadable(createReadStream) → map → toWritable(createWriteStream)': async (n) => {
    const { map } = await import('@sluice/core');
    const { fromReadable, pipeTo } = await import('@sluice/node');
    const { src, dst, result } = paths(n);
    await pipeTo(fromReadable(createReadStream(src, { highWaterMark: CHUNK })).pipe(map(pass)), createWriteStream(dst));
    return result();
  },
  'Node pipeline(createReadStream, Transform, createWriteStream)': async (n) => {
    const { src, dst, result } = paths(n);
    await pipeline(createReadStream(src, { highWaterMark: CHUNK }),
      new Transform({ transform(b, _e, cb) { cb(null, pass(b)); } }),
      createWriteStream(dst));
    return result();
  },
  'createReadStream.pipe(createWriteStream) (ceiling, no middle stage)': async (n) => {
    const { src, dst, result } = paths(n);
    const out = createWriteStream(dst);
    createReadStream(src, { highWaterMark: CHUNK }).pipe(out);
    await finished(out);
    return result();
  },
};

export const slow = new Set();
