import { get, request, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { createMetricsRegistry, create, name, type CreateEmitter } from '@sluice/core';
import { TestSubscriber, VirtualTimeScheduler } from '@sluice/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { serveInspector, type Frame, type Inspector } from '@sluice/inspector';

const started: Inspector[] = [];
afterEach(async () => {
  for (const inspector of started.splice(0)) await inspector.stop();
});

async function serve(...args: Parameters<typeof serveInspector>): Promise<Inspector> {
  const inspector = await serveInspector(...args);
  started.push(inspector);
  return inspector;
}

/** A GET that resolves with the status, headers and whole body (agent: false, so no pooled socket outlives it). */
function fetchText(url: string, method = 'GET'): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** An open /events stream: its parsed frames so far, a way to wait for the next one, and its close. */
interface Stream {
  readonly res: IncomingMessage;
  readonly frames: Frame[];
  next(): Promise<Frame>;
  readonly closed: Promise<void>;
}

function openStream(url: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = get(`${url}events`, { agent: false }, (res) => {
      const frames: Frame[] = [];
      const waiting: ((frame: Frame) => void)[] = [];
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        let end: number;
        while ((end = text.indexOf('\n\n')) >= 0) {
          const event = text.slice(0, end);
          text = text.slice(end + 2);
          const data = /^data: (.*)$/m.exec(event);
          if (!/^event: frame$/m.test(event) || data === null) continue;
          const frame = JSON.parse(data[1]!) as Frame;
          frames.push(frame);
          waiting.splice(0).forEach((wake) => wake(frame));
        }
      });
      const closed = new Promise<void>((done) => res.on('close', () => done()));
      resolve({ res, frames, closed, next: () => new Promise((wake) => waiting.push(wake)) });
    });
    req.on('error', reject);
  });
}

/** One create stage named 'events' whose buffer the test fills by hand, drained by a subscriber that requests nothing. */
function bufferedStage(registry = createMetricsRegistry(), capacity = 10) {
  let emitter!: CreateEmitter<number>;
  const sink = new TestSubscriber<number>(0);
  create<number>((e) => void (emitter = e), { capacity }).pipe(name('events', { registry })).subscribe(sink);
  return { registry, emitter, sink };
}

describe('serveInspector', () => {
  describe('behaviour', () => {
    it('serves one self-contained page under a CSP that allows nothing from elsewhere', async () => {
      const inspector = await serve(createMetricsRegistry());
      expect(inspector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await fetchText(inspector.url);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
      // No external reference anywhere: no src/href to another origin, no import.
      expect(page.body).not.toMatch(/(src|href)="(https?:)?\/\//);
      expect(page.body).not.toMatch(/\bimport\s*\(|<script[^>]+src=/);
      expect(page.body).toContain("new EventSource('events')");
    });

    it('streams frames of the registry over Server-Sent Events: a full frame first, then one per period', async () => {
      const clock = new VirtualTimeScheduler();
      const { registry, emitter } = bufferedStage();
      const inspector = await serve(registry, { scheduler: clock, periodMs: 100, historyMs: 500 });
      const stream = await openStream(inspector.url);
      expect(stream.res.statusCode).toBe(200);
      expect(stream.res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      const first = stream.frames[0] ?? (await stream.next());
      expect(first).toMatchObject({ full: true, periodMs: 100, historyLength: 5, warnAt: 0.8 });
      expect(first.stages).toHaveLength(1);
      expect(first.stages[0]).toMatchObject({ stage: 'events', capacity: 10, buffered: 0, history: [0] });
      expect(inspector.clients).toBe(1);
      for (let i = 0; i < 4; i++) emitter.next(i);
      const next = stream.next();
      clock.advanceBy(100);
      const frame = await next;
      expect(frame.full).toBe(false);
      expect(frame.t).toBe(100);
      expect(frame.stages[0]).toMatchObject({ stage: 'events', buffered: 4, received: 4, emitted: 0, inRate: 40, fillRatio: 0.4 });
      expect(frame.stages[0]!.history).toBeUndefined();
    });

    it('answers /frame.json with histories and /metrics with the registry Prometheus text', async () => {
      const clock = new VirtualTimeScheduler();
      const { registry, emitter } = bufferedStage();
      const inspector = await serve(registry, { scheduler: clock, periodMs: 100, historyMs: 300 });
      emitter.next(1);
      clock.advanceBy(100);
      emitter.next(2);
      clock.advanceBy(100);
      const frame = JSON.parse((await fetchText(`${inspector.url}frame.json`)).body) as Frame;
      expect(frame.stages[0]!.history).toEqual([0, 1, 2]);
      const metrics = await fetchText(`${inspector.url}metrics`);
      expect(metrics.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      // The text itself is core's (validated by a parser in core's tests); here: it is the registry's, live.
      expect(metrics.body).toContain('# TYPE sluice_stage_buffered gauge\nsluice_stage_buffered{stage="events"} 2\n');
    });

    it('sends unbounded demand as "Infinity", which JSON cannot carry as a number', async () => {
      const registry = createMetricsRegistry();
      create<number>(() => {}, { capacity: 4 }).pipe(name('open', { registry })).subscribe(new TestSubscriber<number>('unbounded'));
      const inspector = await serve(registry, { scheduler: new VirtualTimeScheduler() });
      const body = (await fetchText(`${inspector.url}frame.json`)).body;
      expect(body).toContain('"requested":"Infinity"');
    });
  });

  describe('bounds', () => {
    it('refuses the event stream past maxClients with 503 and Retry-After, keeping the connected pages', async () => {
      const clock = new VirtualTimeScheduler();
      const { registry } = bufferedStage();
      const inspector = await serve(registry, { maxClients: 2, scheduler: clock, periodMs: 100 });
      const one = await openStream(inspector.url);
      const two = await openStream(inspector.url);
      const refused = await fetchText(`${inspector.url}events`);
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.body).toBe('inspector: 2 pages connected (maxClients 2); close one or raise maxClients\n');
      expect(inspector.clients).toBe(2);
      const next = one.next();
      clock.advanceBy(100);
      expect((await next).t).toBe(100);
      // A page that leaves frees its place.
      two.res.destroy();
      await two.closed;
      await expect.poll(() => inspector.clients).toBe(1);
      const three = await openStream(inspector.url);
      expect(three.res.statusCode).toBe(200);
    });
  });

  describe('sockets', () => {
    it('holds at most maxClients + 32 connections: Node closes the next one on accept', async () => {
      const inspector = await serve(createMetricsRegistry(), { maxClients: 1, scheduler: new VirtualTimeScheduler() });
      const sockets: Socket[] = [];
      try {
        const open = () => new Promise<Socket>((resolve, reject) => {
          const socket = connect(inspector.port, '127.0.0.1', () => resolve(socket)).on('error', reject);
          sockets.push(socket);
        });
        for (let i = 0; i < 33; i++) await open();
        const extra = await open();
        await new Promise<void>((resolve) => extra.once('close', () => resolve()));
        // The 33 held ones still get answers.
        const held = sockets[0]!;
        const reply = new Promise<string>((resolve) => held.once('data', (chunk) => resolve(String(chunk))));
        held.write('GET /frame.json HTTP/1.1\r\nHost: x\r\n\r\n');
        expect(await reply).toMatch(/^HTTP\/1\.1 200 /);
      } finally {
        for (const socket of sockets) socket.destroy();
      }
    });
  });

  describe('slow pages', () => {
    it('skips frames for a page that does not read, then sends it one full frame when its socket drains', async () => {
      const clock = new VirtualTimeScheduler();
      const registry = createMetricsRegistry();
      // 200 stages make each frame some 60 kB, so a page that stops reading fills the socket buffers within a few
      // hundred frames.
      for (let i = 0; i < 200; i++) {
        const sink = new TestSubscriber<number>(0);
        create<number>(() => {}, { capacity: 8 }).pipe(name(`stage-${String(i).padStart(3, '0')}`, { registry })).subscribe(sink);
      }
      const inspector = await serve(registry, { scheduler: clock, periodMs: 10, historyMs: 20 });
      const stream = await openStream(inspector.url);
      await stream.next(); // the full frame on connect
      stream.res.pause(); // the page stops reading
      const TICKS = 600;
      for (let i = 0; i < TICKS; i++) {
        clock.advanceBy(10);
        if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve)); // let the sockets move bytes
      }
      const before = stream.frames.length;
      stream.res.resume();
      const next = stream.next();
      await expect.poll(() => stream.frames.some((f, i) => i >= before && f.full), { timeout: 5000 }).toBe(true);
      clock.advanceBy(10);
      await next;
      // Frames were skipped (fewer arrived than were taken), never more than one per period was sent, and the
      // catch-up frame carries the histories.
      expect(stream.frames.length).toBeLessThan(TICKS);
      const times = stream.frames.slice(1).map((f) => f.t);
      expect(new Set(times).size).toBe(times.length);
      const catchUp = stream.frames.slice(1).find((f) => f.full)!;
      expect(catchUp.stages).toHaveLength(200);
      expect(catchUp.stages[0]!.history).toHaveLength(2);
    });
  });

  describe('errors', () => {
    it('rejects a registry that is not one and options out of range', async () => {
      const registry = createMetricsRegistry();
      await expect(serveInspector({} as never)).rejects.toThrow('serveInspector: registry must come from createMetricsRegistry()');
      await expect(serveInspector(registry, { port: 70000 })).rejects.toThrow(RangeError);
      await expect(serveInspector(registry, { periodMs: 0 })).rejects.toThrow(RangeError);
      await expect(serveInspector(registry, { periodMs: 1000, historyMs: 10 })).rejects.toThrow(RangeError);
      await expect(serveInspector(registry, { maxClients: 0 })).rejects.toThrow(RangeError);
      await expect(serveInspector(registry, { warnAt: 1.5 })).rejects.toThrow(RangeError);
      await expect(serveInspector(registry, { host: '' })).rejects.toThrow(TypeError);
    });

    it('rejects when the port is taken, leaving no sampler behind, and answers other paths and methods plainly', async () => {
      const clock = new VirtualTimeScheduler();
      const registry = createMetricsRegistry();
      const inspector = await serve(registry, { scheduler: clock });
      await expect(serveInspector(registry, { port: inspector.port, scheduler: clock })).rejects.toThrow(/EADDRINUSE/);
      expect(clock.pending).toBe(1); // only the running inspector's sampler
      expect((await fetchText(`${inspector.url}nope`)).status).toBe(404);
      expect((await fetchText(inspector.url, 'POST')).status).toBe(405);
      const head = await fetchText(`${inspector.url}events`, 'HEAD');
      expect([head.status, head.headers['content-type'], head.body]).toEqual([200, 'text/event-stream; charset=utf-8', '']);
      expect(inspector.clients).toBe(0); // a HEAD opens no stream
    });
  });

  describe('cancellation', () => {
    it('stop() closes every stream and socket and the sampler: no handle is left', async () => {
      const kinds = (): Record<string, number> => {
        const count: Record<string, number> = {};
        for (const kind of process.getActiveResourcesInfo()) count[kind] = (count[kind] ?? 0) + 1;
        return count;
      };
      const before = kinds();
      const { registry } = bufferedStage();
      const inspector = await serveInspector(registry, { periodMs: 50 });
      const streams = [await openStream(inspector.url), await openStream(inspector.url)];
      await streams[0]!.next();
      const during = kinds();
      expect(during.TCPServerWrap ?? 0).toBe((before.TCPServerWrap ?? 0) + 1);
      await inspector.stop();
      await Promise.all(streams.map((s) => s.closed)); // the pages' ends of the sockets (this process's too)
      await new Promise<void>((resolve) => setImmediate(resolve));
      // Nothing more of any kind than before (fewer is possible: an earlier test's client sockets finish closing).
      const after = kinds();
      for (const kind of Object.keys({ ...before, ...after })) {
        expect(after[kind] ?? 0, kind).toBeLessThanOrEqual(before[kind] ?? 0);
      }
      await inspector.stop(); // idempotent
      await expect(fetchText(inspector.url)).rejects.toThrow(/ECONNREFUSED/);
    });

    it('stop() cancels the sampler on its scheduler', async () => {
      const clock = new VirtualTimeScheduler();
      const inspector = await serveInspector(createMetricsRegistry(), { scheduler: clock });
      expect(clock.pending).toBe(1);
      await inspector.stop();
      expect(clock.pending).toBe(0);
    });
  });
});
