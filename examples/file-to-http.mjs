// file-to-http: serve a gzip of a large input over HTTP to a slow client, with memory that stays flat.
//
//   pnpm build && node examples/file-to-http.mjs [MiB]      (default 128 MiB of input)
//
// The input is generated in memory chunk by chunk (a stand-in for `fs.createReadStream(path)`, so no large file is
// written to disk). Two sluice pipelines run per request:
//
//   input ──fromReadable──▶ map(frame) ──toWritable──▶ gzip          (feeds the compressor)
//   gzip  ──fromReadable──────────────────pipeTo────▶ HTTP response  (serves its output)
//
// Every arrow only moves data against demand: the slow client lets the socket fill, `res.write()` returns false,
// pipeTo stops requesting, gzip's readable side fills, gzip stops consuming, toWritable stops requesting, and
// fromReadable stops calling `read()` on the input, so the generator is simply not called any more. Nothing in
// between grows: peak RSS stays near the baseline whatever the input size. If the client disconnects, the response
// closes early, pipeTo rejects and cancels everything back to the input.

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { map } from '@sluice/core';
import { fromReadable, pipeTo, toWritable } from '@sluice/node';

const MiB = 1024 * 1024;
const inputBytes = Number(process.argv[2] ?? 128) * MiB;
const CHUNK = 64 * 1024;

// ---- the input: a generated "file" ---------------------------------------------------------------------------------
// Log-like text with random hex (so gzip has real work to do), produced only when Node asks for it (`_read`).
class GeneratedInput extends Readable {
  produced = 0;
  constructor(total) {
    super({ highWaterMark: CHUNK });
    this.total = total;
  }
  _read() {
    if (this.produced >= this.total) return void this.push(null);
    const size = Math.min(CHUNK, this.total - this.produced);
    const hex = randomBytes(size / 2).toString('hex');
    const text = `line ${this.produced} ${hex}`.slice(0, size - 1) + '\n';
    this.produced += size;
    this.push(Buffer.from(text));
  }
}

// ---- memory sampling ----------------------------------------------------------------------------------------------
let peakRss = process.memoryUsage().rss;
const baselineRss = peakRss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);

// ---- the server ---------------------------------------------------------------------------------------------------
let input = null;
const server = http.createServer(async (req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
  input = new GeneratedInput(inputBytes);
  const gzip = zlib.createGzip({ level: 1 });
  // A sluice stage in the middle: here it only counts, but it could parse, redact or re-frame the bytes.
  let seen = 0;
  const frames = fromReadable(input, { maxChunkSize: CHUNK }).pipe(
    map((chunk) => {
      seen += chunk.length;
      return chunk;
    }),
  );
  try {
    await Promise.all([pipeTo(frames, gzip), pipeTo(fromReadable(gzip), res)]);
    console.log(`server: sent a gzip of ${(seen / MiB).toFixed(0)} MiB`);
  } catch (error) {
    console.log(`server: transfer stopped: ${error.message}`);
    gzip.destroy();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();

// ---- the slow client -------------------------------------------------------------------------------------------------
// Reads one chunk of the response, then waits 1 ms before the next (a client on a slow link), and checks the result
// by gunzipping it and counting the bytes. RSS is sampled at each quarter of the transfer: flat means it does not
// grow with the input size (try 64 and 1024 MiB).
const started = Date.now();
const quarters = [];
const { compressed, plain, maxAhead } = await new Promise((resolve, reject) => {
  http.get({ port, host: '127.0.0.1', path: '/' }, (res) => {
    let compressed = 0;
    let plain = 0;
    let maxAhead = 0;
    const gunzip = zlib.createGunzip();
    gunzip.on('data', (chunk) => {
      plain += chunk.length;
      if (plain >= ((quarters.length + 1) * inputBytes) / 4) quarters.push(process.memoryUsage().rss);
    });
    gunzip.on('end', () => resolve({ compressed, plain, maxAhead }));
    gunzip.on('error', reject);
    const pump = () => {
      const chunk = res.read();
      if (chunk !== null) {
        compressed += chunk.length;
        // How far the generator ran ahead of what the client has decompressed: bounded by the buffers in between
        // (mostly the kernel's socket buffers, which autotune up to several MiB on loopback).
        maxAhead = Math.max(maxAhead, input.produced - plain);
        // The client honours backpressure too: gunzip's buffer full → wait for 'drain'; otherwise a 1 ms pause.
        if (gunzip.write(chunk)) setTimeout(pump, 1);
        else gunzip.once('drain', () => setTimeout(pump, 1));
      } else if (res.readableEnded) {
        gunzip.end();
      } else {
        res.once('readable', pump);
      }
    };
    res.once('end', () => gunzip.end());
    res.once('readable', pump);
  }).on('error', reject);
});
clearInterval(sampler);
server.close();

const seconds = (Date.now() - started) / 1000;
const maxRssKiB = process.resourceUsage().maxRSS;
console.log(`client: received ${(compressed / MiB).toFixed(1)} MiB gzip = ${(plain / MiB).toFixed(0)} MiB of input in ${seconds.toFixed(1)} s`);
console.log(`generator ahead of the client by at most ${(maxAhead / MiB).toFixed(2)} MiB (input ${(inputBytes / MiB).toFixed(0)} MiB)`);
console.log(`RSS baseline ${(baselineRss / MiB).toFixed(0)} MiB, peak ${(Math.max(peakRss, maxRssKiB * 1024) / MiB).toFixed(0)} MiB (sampled every 20 ms; process maxRSS ${(maxRssKiB / 1024).toFixed(0)} MiB)`);
console.log(`RSS at 25/50/75/100% of the transfer: ${quarters.map((rss) => `${(rss / MiB).toFixed(0)} MiB`).join(', ')}`);
if (plain !== inputBytes) {
  console.error(`MISMATCH: expected ${inputBytes} bytes after gunzip, got ${plain}`);
  process.exitCode = 1;
}
