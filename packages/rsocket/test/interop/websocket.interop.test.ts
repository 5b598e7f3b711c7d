import { afterEach, describe, expect, it } from 'vitest';
import { map, range, type Flow } from '@sluice/core';
import { TestPublisher, TestSubscriber } from '@sluice/core/testing';
import {
  ErrorCode, RSocketError, connect, dataString, payload, recordingClientTransport, recordingServerTransport, route, routeMetadata,
  serve, webSocketClientTransport, webSocketServerTransport, type Payload, type RSocketConnection, type RSocketServer,
} from '@sluice/rsocket';
import { freePort } from '../../../core/test/support/binaries';
import { eventually, minimumCredit } from '../support/eventually';
import {
  Flowable, Single, connectJsWebSocketClient, jsCore, jsSingle, jsSubscribe, recordedJsFlowable, startJsWebSocketServer,
} from '../support/rsocketJs';

// Interop over WebSocket (one binary message per frame, no length prefix) with real rsocket-js 0.0.27:
// rsocket-websocket-server / rsocket-websocket-client on rsocket-core. Demand is checked on the wire with a
// recording transport around sluice's side: initial request N, every REQUEST_N, and no PAYLOAD beyond credit.

const FIVE_MB = 5 * 1024 * 1024;
const bigBuffer = () => Buffer.alloc(FIVE_MB, 0).map((_, i) => (i * 31) & 0xff);
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('sluice client ↔ rsocket-js 0.0.27 server over WebSocket', () => {
  async function setup(handler: (socket: any) => any, options: { fragmentSize?: number } = {}): Promise<{ client: RSocketConnection; log: ReturnType<typeof recordingClientTransport>['log'] }> {
    const port = await freePort();
    const server = await startJsWebSocketServer(port, handler);
    cleanups.push(() => server.stop());
    const { transport, log } = recordingClientTransport(webSocketClientTransport({ port }));
    let client: RSocketConnection | null = null;
    for (let attempt = 0; client === null; attempt++) {
      try {
        client = await connect({ transport, ...options });
      } catch (error) {
        if (attempt > 200) throw error; // the rsocket-js server binds asynchronously after start()
        await new Promise((r) => setImmediate(r));
      }
    }
    cleanups.push(() => client!.close());
    return { client, log };
  }

  it('requestStream: initial N, each REQUEST_N and the js publisher see exactly the downstream demand', async () => {
    const source = recordedJsFlowable(12, (i) => ({ data: Buffer.from(String(i)), metadata: null }));
    const { client, log } = await setup(() => ({ requestStream: () => source.flow }));
    const subscriber = new TestSubscriber<Payload>(4);
    client.requestStream(payload('go')).subscribe(subscriber);
    await eventually(() => subscriber.count === 4);
    expect(source.record.emitted).toBe(4); // nothing produced beyond the 4 granted
    subscriber.request(1);
    await eventually(() => subscriber.count === 5);
    subscriber.request(7);
    await eventually(() => subscriber.completed);
    expect(subscriber.values.map(dataString)).toEqual(Array.from({ length: 12 }, (_, i) => String(i)));
    expect(log.select({ direction: 'out', type: 'REQUEST_STREAM' }).map((e) => e.requestN)).toEqual([4]);
    expect(log.select({ direction: 'out', type: 'REQUEST_N' }).map((e) => e.requestN)).toEqual([1, 7]);
    expect(source.record.requests).toEqual([4, 1, 7]);
    expect(minimumCredit(log.entries, 'in')).toBeGreaterThanOrEqual(0);
    expect(subscriber.violations).toEqual([]);
  });

  it('requestStream: cancel sends CANCEL and cancels the js publisher; a js error arrives with its message', async () => {
    const source = recordedJsFlowable(1000, (i) => ({ data: Buffer.from(String(i)), metadata: null }));
    let calls = 0;
    const { client, log } = await setup(() => ({
      requestStream: () => (calls++ === 0 ? source.flow : Flowable.error(new Error('js says no'))),
    }));
    const first = new TestSubscriber<Payload>(2);
    client.requestStream(payload()).subscribe(first);
    await eventually(() => first.count === 2);
    first.cancel();
    await eventually(() => source.record.cancelled, 'the js publisher to be cancelled');
    expect(log.select({ direction: 'out', type: 'CANCEL' })).toHaveLength(1);
    expect(source.record.emitted).toBe(2);

    const second = new TestSubscriber<Payload>(1);
    client.requestStream(payload()).subscribe(second);
    await eventually(() => second.error !== null);
    expect(second.error).toBeInstanceOf(RSocketError);
    expect(second.error).toMatchObject({ code: ErrorCode.APPLICATION_ERROR, message: 'js says no' });
  });

  it('requestChannel: the outbound is asked only for what the js responder granted', async () => {
    const outbound = new TestPublisher<Payload>();
    const { client, log } = await setup(() => ({
      requestChannel: (payloads: any) => payloads.map((p: any) => ({ data: Buffer.from(`echo:${p.data.toString()}`), metadata: null })),
    }));
    const subscriber = new TestSubscriber<Payload>(10);
    client.requestChannel(payload('first'), outbound).subscribe(subscriber);
    await eventually(() => subscriber.count === 1);
    const granted = () => log.select({ direction: 'in', type: 'REQUEST_N' }).reduce((sum, e) => sum + e.requestN!, 0);
    await eventually(() => outbound.totalRequested > 0);
    expect(outbound.totalRequested).toBeLessThanOrEqual(granted());
    outbound.next(payload('a'), payload('b'));
    outbound.complete();
    await eventually(() => subscriber.completed);
    expect(subscriber.values.map(dataString)).toEqual(['echo:first', 'echo:a', 'echo:b']);
    expect(minimumCredit(log.entries, 'out')).toBeGreaterThanOrEqual(0);
  });

  it('a 5 MB request is fragmented at the MTU (one message per fragment), reassembled by rsocket-js, and comes back', async () => {
    let received: Buffer | null = null;
    const { client, log } = await setup(() => ({
      requestResponse: (p: any) => {
        received = p.data;
        return Single.of({ data: p.data, metadata: null });
      },
    }), { fragmentSize: 64 * 1024 });
    const data = bigBuffer();
    const response = await client.requestResponse({ data, metadata: null });
    expect(Buffer.compare(received!, data)).toBe(0);
    expect(Buffer.compare(Buffer.from(response.data), data)).toBe(0);
    const fragments = log.entries.filter((e) => e.direction === 'out' && (e.type === 'REQUEST_RESPONSE' || e.type === 'PAYLOAD'));
    expect(fragments.length).toBe(Math.ceil(FIVE_MB / (64 * 1024 - 6)));
    for (const f of fragments) expect(f.size).toBeLessThanOrEqual(64 * 1024);
  });

  it('requestResponse, fireAndForget and routing metadata that rsocket-js decodes', async () => {
    const seen: string[] = [];
    const { client, log } = await setup(() => ({
      requestResponse: (p: any) => {
        const routes: string[] = [];
        for (const entry of jsCore.decodeCompositeMetadata(p.metadata ?? Buffer.alloc(0))) {
          if (entry.mimeType === 'message/x.rsocket.routing.v0') routes.push(...jsCore.decodeRoutes(entry.content));
        }
        return Single.of({ data: Buffer.from(`re:${p.data.toString()}@${routes.join(',')}`), metadata: null });
      },
      fireAndForget: (p: any) => void seen.push(p.data.toString()),
    }));
    expect(dataString(await client.requestResponse(payload('q', routeMetadata('numbers'))))).toBe('re:q@numbers');
    await client.fireAndForget(payload('fnf'));
    await eventually(() => seen.length === 1);
    expect(seen).toEqual(['fnf']);
    expect(log.select({ direction: 'out', type: 'REQUEST_FNF' })).toHaveLength(1);
    // one binary message per frame: the log's sizes are whole frames, each starting with a stream id and type
    for (const e of log.entries) expect(e.type).not.toBe('MALFORMED');
  });
});

describe('rsocket-js 0.0.27 client ↔ sluice server over WebSocket', () => {
  async function setup(options: Parameters<typeof serve>[0] extends infer O ? Omit<O & object, 'transport'> : never) {
    const { transport, log } = recordingServerTransport(webSocketServerTransport());
    const server: RSocketServer = await serve({ transport, ...options } as Parameters<typeof serve>[0]);
    cleanups.push(() => server.close());
    const js = await connectJsWebSocketClient(server.address.port);
    cleanups.push(() => js.close());
    return { socket: js.socket, log, server };
  }
  const numbers = (n: number): Flow<Payload> => range(0, n).pipe(map((i) => payload(JSON.stringify(i))));

  it('requestStream: the handler publisher is asked exactly what the js client granted', async () => {
    const source = new TestPublisher<Payload>();
    const { socket, log } = await setup({ handler: { requestStream: () => source } });
    const sub = jsSubscribe(socket.requestStream({ data: Buffer.from('go'), metadata: null }), 3);
    await eventually(() => source.totalRequested === 3);
    source.next(payload('a'), payload('b'), payload('c'));
    await eventually(() => sub.values.length === 3);
    expect(source.totalRequested).toBe(3);
    sub.request(2);
    await eventually(() => source.totalRequested === 5);
    source.next(payload('d'), payload('e'));
    source.complete();
    await eventually(() => sub.completed);
    expect(sub.values.map((p: any) => p.data.toString())).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(log.select({ direction: 'in', type: 'REQUEST_STREAM' }).map((e) => e.requestN)).toEqual([3]);
    expect(log.select({ direction: 'in', type: 'REQUEST_N' }).map((e) => e.requestN)).toEqual([2]);
    expect(log.select({ direction: 'out', type: 'PAYLOAD' }).filter((e) => e.next)).toHaveLength(5);
    expect(minimumCredit(log.entries, 'out')).toBeGreaterThanOrEqual(0);
  });

  it('requestStream: a js cancel cancels the handler publisher; an application error code reaches rsocket-js', async () => {
    const source = new TestPublisher<Payload>();
    let calls = 0;
    const { socket, server } = await setup({
      handler: { requestStream: () => { if (calls++ === 0) return source; throw new RSocketError(0x301, 'not today'); } },
    });
    const sub = jsSubscribe(socket.requestStream({ data: Buffer.from(''), metadata: null }), 1);
    await eventually(() => source.totalRequested === 1);
    sub.cancel();
    await eventually(() => source.cancelled, 'the handler publisher to be cancelled');
    await eventually(() => server.inspect()[0]!.streams.length === 0);

    const failing = jsSubscribe(socket.requestStream({ data: Buffer.from(''), metadata: null }), 1);
    await eventually(() => failing.error !== null);
    expect(failing.error.message).toMatch(/not today/);
    expect(failing.error.source.code).toBe(0x301);
  });

  it('requestChannel: payloads from rsocket-js arrive only as the handler requests them', async () => {
    const { socket, log } = await setup({
      handler: { requestChannel: (first, inbound) => inbound.pipe(map((p) => payload(`${dataString(first)}+${dataString(p)}`))) },
    });
    const outbound = recordedJsFlowable(5, (i) => ({ data: Buffer.from(`m${i}`), metadata: null }));
    const sub = jsSubscribe(socket.requestChannel(outbound.flow), 100);
    await eventually(() => sub.completed);
    expect(sub.values.map((p: any) => p.data.toString())).toEqual(['m0+m1', 'm0+m2', 'm0+m3', 'm0+m4']);
    expect(log.select({ direction: 'out', type: 'REQUEST_N' }).length).toBeGreaterThan(0);
    expect(minimumCredit(log.entries, 'in')).toBeGreaterThanOrEqual(0); // rsocket-js sent nothing beyond our credit
    expect(minimumCredit(log.entries, 'out')).toBeGreaterThanOrEqual(0); // and we sent nothing beyond its credit
  });

  it('a 5 MB request from rsocket-js is accepted and a 5 MB response goes back fragmented', async () => {
    const { socket, log } = await setup({ handler: { requestResponse: (p) => ({ data: p.data, metadata: null }) }, fragmentSize: 64 * 1024 });
    const data = bigBuffer();
    const response: any = await jsSingle(socket.requestResponse({ data, metadata: null }));
    expect(Buffer.compare(Buffer.from(response.data), data)).toBe(0);
    expect(log.select({ direction: 'out', type: 'PAYLOAD' }).length).toBe(Math.ceil(FIVE_MB / (64 * 1024 - 6)));
  });

  it('requestResponse, fireAndForget and a routed stream', async () => {
    const seen: string[] = [];
    const { socket } = await setup({
      router: [
        route('numbers', (p) => numbers(JSON.parse(dataString(p)).count)),
        route('echo', { requestResponse: (p) => payload(`re:${dataString(p)}`), fireAndForget: (p) => void seen.push(dataString(p)) }),
      ],
    });
    const routing = (name: string) => jsCore.encodeCompositeMetadata([[jsCore.MESSAGE_RSOCKET_ROUTING, jsCore.encodeRoute(name)]]);
    const response: any = await jsSingle(socket.requestResponse({ data: Buffer.from('q'), metadata: routing('echo') }));
    expect(response.data.toString()).toBe('re:q');
    socket.fireAndForget({ data: Buffer.from('fnf'), metadata: routing('echo') });
    await eventually(() => seen.length === 1);
    expect(seen).toEqual(['fnf']);
    const sub = jsSubscribe(socket.requestStream({ data: Buffer.from('{"count":4}'), metadata: routing('numbers') }), 10);
    await eventually(() => sub.completed);
    expect(sub.values.map((p: any) => JSON.parse(p.data.toString()))).toEqual([0, 1, 2, 3]);
  });
});
