import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as jsCore from 'rsocket-core';
import * as tcpClientModule from 'rsocket-tcp-client';
import { TestSubscriber } from '@sluice/core/testing';
import {
  connect, dataJson, jsonPayload, recordingClientTransport, routeMetadata, webSocketClientTransport, type Payload,
} from '@sluice/rsocket';
import { freePort } from '../../packages/core/test/support/binaries';
import { watchdog } from '../../packages/core/test/support/async';

// Spawns examples/rsocket-server.mjs and talks to it over TCP with real rsocket-js 0.0.27 (rsocket-core +
// rsocket-tcp-client), and over WebSocket with @sluice/rsocket's own client (a separate process from the server).
const root = fileURLToPath(new URL('../..', import.meta.url));
const js: any = jsCore;
const RSocketTcpClient: any = (tcpClientModule as any).default?.default ?? (tcpClientModule as any).default ?? tcpClientModule;
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGTERM');
});

function start(args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [resolve(root, 'examples/rsocket-server.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return watchdog(new Promise((resolvePort, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const match = /listening (\d+)/.exec(out);
      if (match) resolvePort({ child, port: Number(match[1]) });
    });
    child.once('exit', (code) => reject(new Error(`rsocket-server.mjs exited with ${code}: ${stderr}`)));
  }), 15_000, 'the example server to print "listening <port>"');
}

async function jsClient(port: number): Promise<{ socket: any; close(): void }> {
  const client = new js.RSocketClient({
    setup: { keepAlive: 60_000, lifetime: 180_000, dataMimeType: 'application/json', metadataMimeType: 'message/x.rsocket.composite-metadata.v0' },
    transport: new RSocketTcpClient({ host: '127.0.0.1', port }, js.BufferEncoders),
  });
  const socket = await new Promise<any>((ok, fail) => client.connect().subscribe({ onComplete: ok, onError: fail }));
  return { socket, close: () => client.close() };
}

const routing = (name: string) => js.encodeCompositeMetadata([[js.MESSAGE_RSOCKET_ROUTING, js.encodeRoute(name)]]);

describe('examples/rsocket-server.mjs', () => {
  beforeAll(() => {
    // The example imports the built package; `pnpm test` builds first, a bare `vitest run` may not have.
    if (!existsSync(resolve(root, 'packages/rsocket/dist/index.js'))) {
      execFileSync('pnpm', ['--filter', '@sluice/rsocket', 'build'], { cwd: root, stdio: 'ignore' });
    }
  }, 180_000);

  it('serves route numbers over TCP to rsocket-js, which asks for 2 and then 5', async () => {
    const { port } = await start(['--port', String(await freePort()), '--transport', 'tcp']);
    const { socket, close } = await jsClient(port);
    try {
      const values: number[] = [];
      let subscription: any = null;
      const done = new Promise<void>((ok, fail) => {
        socket.requestStream({ data: Buffer.from(JSON.stringify({ count: 7 })), metadata: routing('numbers') }).subscribe({
          onSubscribe: (s: any) => { subscription = s; s.request(2); },
          onNext: (p: any) => {
            values.push(JSON.parse(p.data.toString()));
            if (values.length === 2) subscription.request(5); // the rest only once asked for
          },
          onError: fail,
          onComplete: ok,
        });
      });
      await watchdog(done, 10_000, 'the numbers stream');
      expect(values).toEqual([0, 1, 2, 3, 4, 5, 6]);
    } finally {
      close();
    }
  }, 30_000);

  it('answers a bad count and an unknown route with an error, and keeps serving', async () => {
    const { port } = await start(['--port', String(await freePort())]);
    const { socket, close } = await jsClient(port);
    try {
      const failure = (data: string, route: string) => watchdog(new Promise<any>((ok) => {
        socket.requestStream({ data: Buffer.from(data), metadata: routing(route) }).subscribe({
          onSubscribe: (s: any) => s.request(1), onNext() {}, onComplete: () => ok(null), onError: ok,
        });
      }), 10_000, 'the error');
      expect((await failure('{"count": -1}', 'numbers')).message).toMatch(/count must be a non-negative integer/);
      expect((await failure('{}', 'letters')).message).toMatch(/no route 'letters'/);
      expect((await failure('{"count": 0}', 'numbers'))).toBeNull();
    } finally {
      close();
    }
  }, 30_000);

  it('serves route numbers over WebSocket: the client asks for 3, then 4, and the wire carries exactly that', async () => {
    const { port } = await start(['--port', String(await freePort()), '--transport', 'websocket']);
    const { transport, log } = recordingClientTransport(webSocketClientTransport({ port }));
    const client = await connect({ transport, setup: { dataMimeType: 'application/json' } });
    try {
      const subscriber = new TestSubscriber<Payload>(3);
      client.requestStream(jsonPayload({ count: 7 }, routeMetadata('numbers'))).subscribe(subscriber);
      await watchdog((async () => { while (subscriber.count < 3) await new Promise((r) => setTimeout(r, 5)); })(), 10_000, 'the first 3');
      await new Promise((r) => setTimeout(r, 50));
      expect(subscriber.count).toBe(3); // nothing beyond the credit
      subscriber.request(4);
      await watchdog((async () => { while (!subscriber.completed && subscriber.error === null) await new Promise((r) => setTimeout(r, 5)); })(), 10_000, 'the stream');
      expect(subscriber.values.map((p) => dataJson<number>(p))).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(log.select({ direction: 'out', type: 'REQUEST_STREAM' }).map((e) => e.requestN)).toEqual([3]);
      expect(log.select({ direction: 'out', type: 'REQUEST_N' }).map((e) => e.requestN)).toEqual([4]);
      expect(log.select({ direction: 'in', type: 'PAYLOAD' }).filter((e) => e.next)).toHaveLength(7);
    } finally {
      await client.close();
    }
  }, 30_000);
});
