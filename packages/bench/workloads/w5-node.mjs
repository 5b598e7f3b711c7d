// W5 Node adapter: fromReadable → map → toWritable against a Node Transform pipeline doing the same work,
// for objects and for bytes. The sink counts (objects) or sums byte lengths (bytes).
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const CHUNK = Buffer.alloc(16 * 1024, 7);
export const expected = (n) => n;

function objectSource(n) {
  let i = 0;
  return new Readable({ objectMode: true, read() { while (i < n) { if (!this.push({ i: i++ })) return; } this.push(null); } });
}
function byteSource(n) {
  let i = 0;
  return new Readable({ read() { while (i < n) { i++; if (!this.push(CHUNK)) return; } this.push(null); } });
}

export const impls = {
  'sluice objects': async (n) => {
    const { map } = await import('@sluice/core');
    const { fromReadable, pipeTo } = await import('@sluice/node');
    let count = 0;
    await pipeTo(fromReadable(objectSource(n)).pipe(map((o) => ({ i: o.i * 2 }))),
      new Writable({ objectMode: true, write(_o, _e, cb) { count++; cb(); } }));
    return count;
  },
  'Node Transform objects': async (n) => {
    let count = 0;
    await pipeline(objectSource(n),
      new Transform({ objectMode: true, transform(o, _e, cb) { cb(null, { i: o.i * 2 }); } }),
      new Writable({ objectMode: true, write(_o, _e, cb) { count++; cb(); } }));
    return count;
  },
  'sluice bytes (16 KiB chunks)': async (n) => {
    const { map } = await import('@sluice/core');
    const { fromReadable, pipeTo } = await import('@sluice/node');
    let count = 0;
    await pipeTo(fromReadable(byteSource(n)).pipe(map((b) => b.subarray(1))),
      new Writable({ write(b, _e, cb) { count += b.length + 1; cb(); } }));
    return count / CHUNK.length;
  },
  'Node Transform bytes (16 KiB chunks)': async (n) => {
    let count = 0;
    await pipeline(byteSource(n),
      new Transform({ transform(b, _e, cb) { cb(null, b.subarray(1)); } }),
      new Writable({ write(b, _e, cb) { count += b.length + 1; cb(); } }));
    return count / CHUNK.length;
  },
};
