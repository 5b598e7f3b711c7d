import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { toArray } from '@sluice/core';
import { fromReadable } from '@sluice/node';
import { watchdog } from './helpers';

const bytes = (chunks: Buffer[]) => Buffer.concat(chunks);

// fromReadable over the Readables Node itself hands out: each is read to the end through demand alone.
describe('fromReadable over Node readables', () => {
  describe('behaviour', () => {
    it('reads an fs.ReadStream', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sluice-node-'));
      try {
        const file = join(dir, 'small.txt');
        writeFileSync(file, 'x'.repeat(100_000));
        const chunks = await watchdog(toArray(fromReadable(createReadStream(file, { highWaterMark: 4096 }), { maxChunkSize: 1000 })));
        expect(bytes(chunks).toString()).toBe('x'.repeat(100_000));
        expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(1000);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('reads a zlib stream', async () => {
      const gunzip = zlib.createGunzip();
      gunzip.end(zlib.gzipSync(Buffer.from('hello sluice '.repeat(1000))));
      const chunks = await watchdog(toArray(fromReadable(gunzip)));
      expect(bytes(chunks).toString()).toBe('hello sluice '.repeat(1000));
    });

    it('reads a child process stdout', async () => {
      const child = spawn(process.execPath, ['-e', "process.stdout.write('y'.repeat(200000))"]);
      const chunks = await watchdog(toArray(fromReadable(child.stdout)));
      expect(bytes(chunks).length).toBe(200_000);
    });

    it('reads http.IncomingMessage bodies on both ends of a request', async () => {
      const server = http.createServer((req, res) => {
        // The server reads the request body (an IncomingMessage) through sluice, then echoes its length.
        void toArray(fromReadable(req)).then((body) => res.end(String(bytes(body).length)));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as { port: number };
        const answer = await watchdog(
          new Promise<string>((resolve, reject) => {
            const req = http.request({ port, host: '127.0.0.1', method: 'POST' }, (res) => {
              // The response body is an IncomingMessage too.
              void toArray(fromReadable(res)).then((body) => resolve(bytes(body).toString()), reject);
            });
            req.on('error', reject);
            req.end(Buffer.alloc(300_000, 1));
          }),
        );
        expect(answer).toBe('300000');
      } finally {
        server.close();
      }
    });

    it('reads a net.Socket', async () => {
      const server = net.createServer((socket) => socket.end(Buffer.alloc(500_000, 7)));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as net.AddressInfo;
        const chunks = await watchdog(toArray(fromReadable(net.connect(port, '127.0.0.1'))));
        expect(bytes(chunks).equals(Buffer.alloc(500_000, 7))).toBe(true);
      } finally {
        server.close();
      }
    });

    it('reads an object-mode PassThrough fed by another writer', async () => {
      const through = new PassThrough({ objectMode: true });
      const items = toArray(fromReadable<{ id: number }>(through));
      for (let id = 0; id < 5; id++) through.write({ id });
      through.end();
      expect(await watchdog(items)).toEqual([0, 1, 2, 3, 4].map((id) => ({ id })));
    });
  });
});
