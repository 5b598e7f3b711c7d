import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import {
  PROMETHEUS_CONTENT_TYPE, reportError, timerScheduler, type CancelTask, type MetricsRegistry, type Scheduler,
} from '@sluice/core';
import { FrameBuilder, frameJson } from './model';
import { PAGE_CSP, PAGE_HTML } from './page';

export interface InspectorOptions {
  /** TCP port; 0 (default) picks a free one (read it from `inspector.port` / `inspector.url`). */
  port?: number;
  /**
   * Interface to listen on. Default `'127.0.0.1'`: loopback only. The page shows stage names and counts and has no
   * authentication, so listen elsewhere only behind something that has.
   */
  host?: string;
  /** How often the registry is sampled and a frame sent to every page, in ms. Default 1000. */
  periodMs?: number;
  /** How far back a sparkline reaches, in ms (`historyMs / periodMs` samples per stage). Default 300 000 (5 minutes). */
  historyMs?: number;
  /**
   * The most pages connected at once (each holds one event stream). Past it, a new `/events` request is answered
   * `503 Service Unavailable` with `Retry-After` and the page shows that it was refused; connected pages are not
   * affected. Default 8.
   */
  maxClients?: number;
  /** The fill ratio (fullest buffer over its bound) from which a stage is highlighted as near its bound. Default 0.8. */
  warnAt?: number;
  /** Where the sampling is timed. Default `timerScheduler`; tests may pass a `VirtualTimeScheduler`. */
  scheduler?: Scheduler;
}

export interface Inspector {
  /** `http://host:port/`: the page. `/events` is its event stream, `/frame.json` the last frame with histories,
   * `/metrics` the registry's Prometheus text. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Pages connected now (never more than `maxClients`). */
  readonly clients: number;
  /** Closes the server, every event stream and every socket, and stops sampling. Idempotent. */
  stop(): Promise<void>;
}

interface Client {
  readonly res: ServerResponse;
  /** The last write did not fit the socket's buffer: frames are skipped until 'drain'. */
  blocked: boolean;
  /** A frame was skipped: the next one this page gets is a full frame (histories included). */
  stale: boolean;
}

const requireInteger = (what: string, value: unknown, min: number, max: number): number => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`serveInspector: ${what} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
};

/**
 * Serves a live page of `registry`'s stages: each named stage in flow order (source → operators → sink, fan-in and
 * fan-out drawn as links), its buffer depth against its bound, the demand outstanding downstream and upstream, in /
 * out / dropped rates and a depth sparkline; a stage at `warnAt` of its bound or more is highlighted. The page is
 * one self-contained document (no build step, no CDN; a Content-Security-Policy forbids fetching anything else), and
 * it follows the registry over Server-Sent Events, one frame per `periodMs`.
 *
 * Bounds: at most `maxClients` event streams (past it: 503); a page too slow to read its stream never makes the
 * server queue more than the one frame its socket did not take (frames are skipped until the socket drains, then it
 * gets a full frame); per stage, `historyMs / periodMs` depth samples, and only for stages the registry holds.
 *
 * @example
 * const registry = createMetricsRegistry();
 * const inspector = await serveInspector(registry, { port: 9464 });
 * console.log(`inspector: ${inspector.url}`);
 * // ... run pipelines with name(...) and metrics(registry) ...
 * await inspector.stop();
 */
export async function serveInspector(registry: MetricsRegistry, options: InspectorOptions = {}): Promise<Inspector> {
  if (registry == null || typeof registry.every !== 'function' || typeof registry.snapshot !== 'function') {
    throw new TypeError('serveInspector: registry must come from createMetricsRegistry()');
  }
  const port = requireInteger('port', options.port ?? 0, 0, 65535);
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.length === 0) throw new TypeError(`serveInspector: host must be a non-empty string, got ${String(host)}`);
  const periodMs = options.periodMs ?? 1000;
  if (typeof periodMs !== 'number' || !(periodMs > 0) || !Number.isFinite(periodMs)) {
    throw new RangeError(`serveInspector: periodMs must be a positive finite number, got ${String(periodMs)}`);
  }
  const historyMs = options.historyMs ?? 300_000;
  if (typeof historyMs !== 'number' || !(historyMs >= periodMs) || !Number.isFinite(historyMs)) {
    throw new RangeError(`serveInspector: historyMs must be a finite number of at least periodMs (${periodMs}), got ${String(historyMs)}`);
  }
  const maxClients = requireInteger('maxClients', options.maxClients ?? 8, 1, 10_000);
  const warnAt = options.warnAt ?? 0.8;
  if (typeof warnAt !== 'number' || !(warnAt > 0 && warnAt <= 1)) {
    throw new RangeError(`serveInspector: warnAt must be a number in (0, 1], got ${String(warnAt)}`);
  }
  const scheduler = options.scheduler ?? timerScheduler;
  const historyLength = Math.max(2, Math.ceil(historyMs / periodMs));

  const frames = new FrameBuilder(periodMs, historyLength, warnAt);
  const clients = new Set<Client>();
  const sockets = new Set<Socket>();
  let stopped = false;

  const send = (client: Client, data: string): void => {
    if (client.res.writableEnded || client.res.destroyed) return;
    if (!client.res.write(`event: frame\ndata: ${data}\n\n`)) client.blocked = true;
  };
  const tick = (stages: Parameters<FrameBuilder['sample']>[0], now: number): void => {
    const data = frameJson(frames.sample(stages, now));
    let full: string | null = null;
    for (const client of clients) {
      if (client.blocked) {
        client.stale = true; // its socket still holds the previous frame: this one is skipped
      } else if (client.stale) {
        client.stale = false;
        send(client, (full ??= frameJson(frames.fullFrame()))); // caught up: what it missed, in one frame
      } else {
        send(client, data);
      }
    }
  };
  frames.sample(registry.snapshot(), scheduler.now());
  const stopSampling: CancelTask = registry.every(periodMs, tick, { scheduler });

  const openStream = (req: IncomingMessage, res: ServerResponse): void => {
    if (clients.size >= maxClients) {
      // Full: refuse the newcomer; the pages already connected keep their streams.
      const retry = Math.max(1, Math.ceil(periodMs / 1000) * 5);
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': String(retry) });
      res.end(`inspector: ${clients.size} pages connected (maxClients ${maxClients}); close one or raise maxClients\n`);
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const client: Client = { res, blocked: false, stale: false };
    clients.add(client);
    // Drained: the next tick writes again (never here, so a page is sent at most one frame per period).
    res.on('drain', () => void (client.blocked = false));
    const forget = (): void => {
      clients.delete(client);
    };
    req.on('close', forget);
    res.on('close', forget);
    res.write(`retry: ${Math.max(1000, periodMs * 2)}\n\n`);
    send(client, frameJson(frames.fullFrame()));
  };

  const server = createServer((req, res) => {
    try {
      const path = new URL(req.url ?? '/', 'http://inspector').pathname;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('GET only\n');
      } else if (path === '/' || path === '/index.html') {
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP, 'cache-control': 'no-store',
          'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer',
        }).end(PAGE_HTML);
      } else if (path === '/events') {
        if (req.method === 'HEAD') res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' }).end();
        else openStream(req, res);
      } else if (path === '/frame.json') {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(frameJson(frames.fullFrame()));
      } else if (path === '/metrics') {
        res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(registry.toPrometheus());
      } else if (path === '/favicon.ico') {
        res.writeHead(204).end();
      } else {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      }
    } catch (error) {
      // A failing registry (a throwing custom Inspectable) answers 500; it never takes the server down.
      reportError(error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('inspector: internal error\n');
    }
  });
  // Sockets are bounded too: the event streams, plus room for a few browsers' page and keep-alive connections; past
  // it Node closes a new connection as soon as it is accepted.
  server.maxConnections = maxClients + 32;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  const close = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    stopSampling();
    for (const client of clients) client.res.end();
    clients.clear();
    const socketsClosed = [...sockets].map((socket) => new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.destroy();
    }));
    sockets.clear();
    await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), ...socketsClosed]);
    // 'close' can come before libuv has released the handles (it frees them in its close phase, after the check
    // phase where setImmediate runs): two turns of the loop let them go, so that when stop() resolves no handle of
    // the inspector is left.
    for (let turn = 0; turn < 2; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
  };

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      stopped = true;
      stopSampling();
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      server.on('error', reportError); // after listening, a server error is reported, never thrown
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });

  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${boundPort}/`,
    host,
    port: boundPort,
    get clients() {
      return clients.size;
    },
    stop: close,
  };
}
