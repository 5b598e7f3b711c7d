// Thin helpers around real rsocket-js 0.0.27 (rsocket-core, rsocket-flowable, rsocket-tcp-*, rsocket-websocket-*), untyped.
import * as core from 'rsocket-core';
import * as flowable from 'rsocket-flowable';
import * as tcpClientModule from 'rsocket-tcp-client';
import * as tcpServerModule from 'rsocket-tcp-server';
import * as wsClientModule from 'rsocket-websocket-client';
import * as wsServerModule from 'rsocket-websocket-server';
import { WebSocket as NodeWebSocket } from 'ws';

const unwrap = (m: any) => (m.default?.default ?? m.default ?? m);
export const RSocketClient: any = (core as any).RSocketClient;
export const RSocketServer: any = (core as any).RSocketServer;
export const BufferEncoders: any = (core as any).BufferEncoders;
export const jsCore: any = core;
export const Flowable: any = (flowable as any).Flowable ?? unwrap(flowable).Flowable;
export const Single: any = (flowable as any).Single ?? unwrap(flowable).Single;
const RSocketTcpClient: any = unwrap(tcpClientModule);
const RSocketTCPServer: any = unwrap(tcpServerModule);
const RSocketWebSocketClient: any = unwrap(wsClientModule);
const RSocketWebSocketServer: any = unwrap(wsServerModule);

export interface JsPayload { data: Buffer | null; metadata: Buffer | null }

/** Starts an rsocket-js TCP server on 127.0.0.1:port; resolves once it accepts connections. */
export async function startJsServer(port: number, handler: (socket: any) => any): Promise<{ stop(): void }> {
  const server = new RSocketServer({
    getRequestHandler: (socket: any) => handler(socket),
    transport: new RSocketTCPServer({ host: '127.0.0.1', port }, BufferEncoders),
  });
  server.start();
  return { stop: () => server.stop() };
}

/** Connects an rsocket-js client to 127.0.0.1:port. */
export async function connectJsClient(port: number, setup: Partial<{ metadataMimeType: string; dataMimeType: string }> = {}): Promise<{ socket: any; close(): void }> {
  const client = new RSocketClient({
    setup: {
      keepAlive: 60_000, lifetime: 180_000,
      dataMimeType: setup.dataMimeType ?? 'application/octet-stream',
      metadataMimeType: setup.metadataMimeType ?? 'message/x.rsocket.composite-metadata.v0',
    },
    transport: new RSocketTcpClient({ host: '127.0.0.1', port }, BufferEncoders),
  });
  const socket = await new Promise<any>((resolve, reject) => client.connect().subscribe({ onComplete: resolve, onError: reject }));
  return { socket, close: () => client.close() };
}

/** Subscribes to an rsocket-js Flowable, recording signals; `request`/`cancel` drive it. */
export function jsSubscribe(flow: any, initial = 0) {
  const state = {
    values: [] as JsPayload[], error: null as any, completed: false, subscription: null as any,
    request(n: number) { state.subscription.request(n); },
    cancel() { state.subscription.cancel(); },
  };
  flow.subscribe({
    onSubscribe(s: any) { state.subscription = s; if (initial > 0) s.request(initial); },
    onNext(v: JsPayload) { state.values.push(v); },
    onError(e: any) { state.error = e; },
    onComplete() { state.completed = true; },
  });
  return state;
}

/** A Single's value as a promise. */
export function jsSingle<T>(single: any): Promise<T> {
  return new Promise((resolve, reject) => single.subscribe({ onComplete: resolve, onError: reject }));
}

/** An rsocket-js Flowable of `count` payloads that records every request(n) and cancel it receives. */
export function recordedJsFlowable(count: number, make: (i: number) => JsPayload) {
  const record = { requests: [] as number[], cancelled: false, emitted: 0 };
  const flow = new Flowable((subscriber: any) => {
    let i = 0;
    let done = false;
    subscriber.onSubscribe({
      request(n: number) {
        record.requests.push(n);
        let budget = n;
        while (budget-- > 0 && i < count && !done) {
          subscriber.onNext(make(i++));
          record.emitted++;
        }
        if (i >= count && !done) {
          done = true;
          subscriber.onComplete();
        }
      },
      cancel() { record.cancelled = true; done = true; },
    });
  });
  return { flow, record };
}

// ---- WebSocket (rsocket-websocket-server / rsocket-websocket-client 0.0.27) ----------------------------------------

/** Starts an rsocket-js WebSocket server on ws://127.0.0.1:port; it binds asynchronously after start(). */
export async function startJsWebSocketServer(port: number, handler: (socket: any) => any): Promise<{ stop(): void }> {
  const server = new RSocketServer({
    getRequestHandler: (socket: any) => handler(socket),
    transport: new RSocketWebSocketServer({ host: '127.0.0.1', port }, BufferEncoders),
  });
  server.start();
  return { stop: () => server.stop() };
}

/** Connects an rsocket-js WebSocket client (with `ws` as its WebSocket, as Node has none built in before 22). */
export async function connectJsWebSocketClient(port: number, setup: Partial<{ metadataMimeType: string; dataMimeType: string }> = {}): Promise<{ socket: any; close(): void }> {
  const client = new RSocketClient({
    setup: {
      keepAlive: 60_000, lifetime: 180_000,
      dataMimeType: setup.dataMimeType ?? 'application/octet-stream',
      metadataMimeType: setup.metadataMimeType ?? 'message/x.rsocket.composite-metadata.v0',
    },
    transport: new RSocketWebSocketClient({ url: `ws://127.0.0.1:${port}/`, wsCreator: (url: string) => new NodeWebSocket(url) }, BufferEncoders),
  });
  const socket = await new Promise<any>((resolve, reject) => client.connect().subscribe({ onComplete: resolve, onError: reject }));
  return { socket, close: () => client.close() };
}
