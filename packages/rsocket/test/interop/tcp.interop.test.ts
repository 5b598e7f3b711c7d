import { afterEach, describe, expect, it } from 'vitest';
import { map, range, type Flow } from '@sluice/core';
import { TestPublisher, TestSubscriber } from '@sluice/core/testing';
import {
  ErrorCode, RSocketError, connect, dataString, payload, recordingClientTransport, recordingServerTransport, route, routeMetadata,
  serve, tcpClientTransport, tcpServerTransport, type Payload, type RSocketConnection, type RSocketServer,
} from '@sluice/rsocket';
import { freePort } from '../../../core/test/support/binaries';
import { eventually, minimumCredit } from '../support/eventually';
import { Flowable, Single, connectJsClient, jsCore, jsSingle, jsSubscribe, recordedJsFlowable, startJsServer } from '../support/rsocketJs';

const FIVE_MB = 5 * 1024 * 1024;
const bigBuffer = () => Buffer.alloc(FIVE_MB, 0).map((_, i) => (i * 31) & 0xff);
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('sluice client ↔ rsocket-js 0.0.27 server over TCP', () => {
  async function setup(handler: (socket: any) => any, options: { fragmentSize?: number } = {}): Promise<{ client: RSocketConnection; log: ReturnType<typeof recordingClientTransport>['log'] }> {
    const port = await freePort();
    const server = await startJsServer(port, handler);
    cleanups.push(() => server.stop());
    const { transport, log } = recordingClientTransport(tcpClientTransport({ port }));
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
    const source = recordedJsFlowable(20, (i) => ({ data: Buffer.from(String(i)), metadata: null }));
    const { client, log } = await setup(() => ({ requestStream: () => source.flow }));
    const subscriber = new TestSubscriber<Payload>(3);
    client.requestStream(payload('go')).subscribe(subscriber);
    await eventually(() => subscriber.count === 3);
    subscriber.request(2);
    await eventually(() => subscriber.count === 5);
    subscriber.request(15);
    await eventually(() => subscriber.completed);
    expect(subscriber.values.map(dataString)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    expect(log.select({ direction: 'out', type: 'REQUEST_STREAM' }).map((e) => e.requestN)).toEqual([3]);
    expect(log.select({ direction: 'out', type: 'REQUEST_N' }).map((e) => e.requestN)).toEqual([2, 15]);
    expect(source.record.requests).toEqual([3, 2, 15]);
    expect(minimumCredit(log.entries, 'in')).toBeGreaterThanOrEqual(0);
    expect(subscriber.violations).toEqual([]);
  });

  it('requestStream: cancel sends CANCEL and cancels the js publisher', async () => {
    const source = recordedJsFlowable(1000, (i) => ({ data: Buffer.from(String(i)), metadata: null }));
    const { client, log } = await setup(() => ({ requestStream: () => source.flow }));
    const subscriber = new TestSubscriber<Payload>(2);
    client.requestStream(payload()).subscribe(subscriber);
    await eventually(() => subscriber.count === 2);
    subscriber.cancel();
    await eventually(() => source.record.cancelled, 'the js publisher to be cancelled');
    expect(log.select({ direction: 'out', type: 'CANCEL' })).toHaveLength(1);
  });

  it('requestStream: a js error arrives as RSocketError[APPLICATION_ERROR] with its message', async () => {
    const { client } = await setup(() => ({ requestStream: () => Flowable.error(new Error('js says no')) }));
    const subscriber = new TestSubscriber<Payload>(1);
    client.requestStream(payload()).subscribe(subscriber);
    await eventually(() => subscriber.error !== null);
    expect(subscriber.error).toBeInstanceOf(RSocketError);
    expect(subscriber.error).toMatchObject({ code: ErrorCode.APPLICATION_ERROR, message: 'js says no' });
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

  it('requestResponse and fireAndForget', async () => {
    const seen: string[] = [];
    const { client } = await setup(() => ({
      requestResponse: (p: any) => Single.of({ data: Buffer.from(`re:${p.data.toString()}`), metadata: null }),
      fireAndForget: (p: any) => void seen.push(p.data.toString()),
    }));
    expect(dataString(await client.requestResponse(payload('q')))).toBe('re:q');
    await client.fireAndForget(payload('fnf'));
    await eventually(() => seen.length === 1);
    expect(seen).toEqual(['fnf']);
  });

  it('a 5 MB payload is fragmented at the MTU, reassembled by rsocket-js, and 5 MB comes back', async () => {
    let received: Buffer | null = null;
    const { client, log } = await setup(() => ({
      requestResponse: (p: any) => {
        received = p.data;
        return Single.of({ data: p.data, metadata: null });
      },
    }), { fragmentSize: 64 * 1024 });
    const data = bigBuffer();
    const response = await client.requestResponse({ data, metadata: null });
    expect(received!.length).toBe(FIVE_MB);
    expect(Buffer.compare(received!, data)).toBe(0);
    expect(Buffer.compare(Buffer.from(response.data), data)).toBe(0);
    const fragments = log.entries.filter((e) => e.direction === 'out' && (e.type === 'REQUEST_RESPONSE' || e.type === 'PAYLOAD'));
    expect(fragments.length).toBe(Math.ceil(FIVE_MB / (64 * 1024 - 6)));
    for (const f of fragments) expect(f.size).toBeLessThanOrEqual(64 * 1024);
  });

  it('sends routing metadata that rsocket-js decodes', async () => {
    const { client } = await setup(() => ({
      requestResponse: (p: any) => {
        const routes: string[] = [];
        for (const entry of jsCore.decodeCompositeMetadata(p.metadata)) {
          if (entry.mimeType === 'message/x.rsocket.routing.v0') routes.push(...jsCore.decodeRoutes(entry.content));
        }
        return Single.of({ data: Buffer.from(routes.join(',')), metadata: null });
      },
    }));
    expect(dataString(await client.requestResponse(payload('x', routeMetadata('numbers'))))).toBe('numbers');
  });
});

describe('rsocket-js 0.0.27 client ↔ sluice server over TCP', () => {
  async function setup(options: Parameters<typeof serve>[0] extends infer O ? Omit<O & object, 'transport'> : never) {
    const { transport, log } = recordingServerTransport(tcpServerTransport());
    const server: RSocketServer = await serve({ transport, ...options } as Parameters<typeof serve>[0]);
    cleanups.push(() => server.close());
    const js = await connectJsClient(server.address.port);
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
    expect(minimumCredit(log.entries, 'out')).toBeGreaterThanOrEqual(0);
  });

  it('requestStream: a js cancel cancels the handler publisher', async () => {
    const source = new TestPublisher<Payload>();
    const { socket, server } = await setup({ handler: { requestStream: () => source } });
    const sub = jsSubscribe(socket.requestStream({ data: Buffer.from(''), metadata: null }), 1);
    await eventually(() => source.totalRequested === 1);
    sub.cancel();
    await eventually(() => source.cancelled, 'the handler publisher to be cancelled');
    await eventually(() => server.inspect()[0]!.streams.length === 0);
  });

  it('requestStream: a handler error with an application code reaches rsocket-js with that code', async () => {
    const { socket } = await setup({ handler: { requestStream: () => { throw new RSocketError(0x301, 'not today'); } } });
    const sub = jsSubscribe(socket.requestStream({ data: Buffer.from(''), metadata: null }), 1);
    await eventually(() => sub.error !== null);
    expect(sub.error.message).toMatch(/not today/);
    expect(sub.error.source.code).toBe(0x301);
  });

  it('requestChannel: payloads from rsocket-js arrive only as the handler requests them', async () => {
    const requested: number[] = [];
    const { socket, log } = await setup({
      handler: {
        requestChannel: (first, inbound) => {
          return inbound.pipe(map((p) => payload(`${dataString(first)}+${dataString(p)}`)));
        },
      },
    });
    const outbound = recordedJsFlowable(5, (i) => ({ data: Buffer.from(`m${i}`), metadata: null }));
    const sub = jsSubscribe(socket.requestChannel(outbound.flow), 100);
    await eventually(() => sub.completed);
    expect(sub.values.map((p: any) => p.data.toString())).toEqual(['m0+m1', 'm0+m2', 'm0+m3', 'm0+m4']);
    for (const e of log.select({ direction: 'out', type: 'REQUEST_N' })) requested.push(e.requestN!);
    expect(requested.length).toBeGreaterThan(0);
    expect(minimumCredit(log.entries, 'in')).toBeGreaterThanOrEqual(0);
  });

  it('requestResponse and fireAndForget', async () => {
    const seen: string[] = [];
    const { socket } = await setup({
      handler: { requestResponse: (p) => payload(`re:${dataString(p)}`), fireAndForget: (p) => void seen.push(dataString(p)) },
    });
    const response: any = await jsSingle(socket.requestResponse({ data: Buffer.from('q'), metadata: null }));
    expect(response.data.toString()).toBe('re:q');
    socket.fireAndForget({ data: Buffer.from('fnf'), metadata: null });
    await eventually(() => seen.length === 1);
    expect(seen).toEqual(['fnf']);
  });

  it('a 5 MB request from rsocket-js is accepted and a 5 MB response goes back fragmented', async () => {
    const { socket, log } = await setup({ handler: { requestResponse: (p) => ({ data: p.data, metadata: null }) }, fragmentSize: 64 * 1024 });
    const data = bigBuffer();
    const response: any = await jsSingle(socket.requestResponse({ data, metadata: null }));
    expect(Buffer.compare(Buffer.from(response.data), data)).toBe(0);
    expect(log.select({ direction: 'out', type: 'PAYLOAD' }).length).toBe(Math.ceil(FIVE_MB / (64 * 1024 - 6)));
  });

  it('routes on composite routing metadata from rsocket-js', async () => {
    const { socket } = await setup({
      router: [route('numbers', (p) => numbers(JSON.parse(dataString(p)).count)), route('echo', { requestResponse: (p) => p })],
    });
    const metadata = jsCore.encodeCompositeMetadata([[jsCore.MESSAGE_RSOCKET_ROUTING, jsCore.encodeRoute('numbers')]]);
    const sub = jsSubscribe(socket.requestStream({ data: Buffer.from('{"count":4}'), metadata }), 10);
    await eventually(() => sub.completed);
    expect(sub.values.map((p: any) => JSON.parse(p.data.toString()))).toEqual([0, 1, 2, 3]);
    const unknown = jsSubscribe(socket.requestStream({
      data: Buffer.from('{}'), metadata: jsCore.encodeCompositeMetadata([[jsCore.MESSAGE_RSOCKET_ROUTING, jsCore.encodeRoute('nope')]]),
    }), 1);
    await eventually(() => unknown.error !== null);
    expect(unknown.error.message).toMatch(/no route 'nope'/);
    expect(unknown.error.source.code).toBe(ErrorCode.REJECTED);
  });
});
