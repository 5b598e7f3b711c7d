import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs program without types; demoSvg is its one export
import { demoSvg } from '../demo.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RSVG = '/usr/bin/rsvg-convert';

interface Label { text: string; x0: number; x1: number; y0: number; y1: number }

/**
 * Every <text> of the SVG with its box. The demo draws in monospace, whose advance is 0.6 em in every common face
 * (DejaVu Sans Mono, Liberation Mono, Noto Mono): 0.62 em leaves a margin; a line spans from 0.8 em above its
 * baseline to 0.25 em below it.
 */
function labels(svg: string): Label[] {
  const base = Number(/<svg[^>]*font-size="(\d+)"/.exec(svg)![1]);
  return [...svg.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)].map(([, attrs, raw]) => {
    const attr = (name: string): string | undefined => new RegExp(`${name}="([^"]*)"`).exec(attrs!)?.[1];
    const text = raw!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    const size = Number(attr('font-size') ?? base);
    const width = [...text].length * 0.62 * size;
    const x = Number(attr('x')), y = Number(attr('y'));
    const anchor = attr('text-anchor') ?? 'start';
    const x0 = anchor === 'end' ? x - width : anchor === 'middle' ? x - width / 2 : x;
    return { text, x0, x1: x0 + width, y0: y - 0.8 * size, y1: y + 0.25 * size };
  });
}

function overlaps(all: Label[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const a = all[i]!, b = all[j]!;
      if (a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1) found.push(`${JSON.stringify(a.text)} / ${JSON.stringify(b.text)}`);
    }
  }
  return found;
}

/** Renders with librsvg and returns the PNG's width and height (from its IHDR chunk). */
function render(svgPath: string): { width: number; height: number } {
  if (!existsSync(RSVG)) throw new Error('install rsvg-convert (apt-get install -y librsvg2-bin)');
  const png = execFileSync(RSVG, ['--format', 'png', svgPath], { maxBuffer: 64 * 2 ** 20 });
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const svgSize = (svg: string) => {
  const [, w, h] = /<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg)!;
  return { width: Number(w), height: Number(h) };
};

describe('demo', () => {
  beforeAll(() => {
    // The demo runs the built packages (`pnpm test` builds first; a bare `vitest run` may not have).
    for (const pkg of ['core', 'inspector']) {
      if (!existsSync(resolve(root, `packages/${pkg}/dist/index.js`))) {
        execFileSync('pnpm', ['--filter', `@sluice/${pkg}`, 'build'], { cwd: root, stdio: 'ignore' });
      }
    }
  }, 180_000);

  it('--inspect serves the live page during the run, then the SVG shows both heaps and the depth lanes', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sluice-demo-'));
    const demo = spawn(process.execPath, [resolve(root, 'examples/demo.mjs'), '--inspect'], {
      env: { ...process.env, DEMO_EVENTS: '100000', DEMO_OUT: out, DEMO_INSPECT_WAIT_MS: '20000', DEMO_INSPECT_LINGER_MS: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    demo.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((done) => demo.on('exit', (code) => done(code)));
    const url = await new Promise<string>((found, fail) => {
      demo.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const m = /inspector: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
        if (m) found(m[1]!);
      });
      demo.on('exit', () => fail(new Error(`the demo exited before printing the inspector URL:\n${stdout}\n${stderr}`)));
    });
    // Connecting starts the run; the stream's frames carry the demo's two named stages while it runs.
    const stages = await new Promise<string[]>((found, fail) => {
      get(`${url}events`, { agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
          // The first frame comes before the run (no stage yet); the next ones while it runs.
          for (const [, data] of text.matchAll(/^data: (.*)\n\n/gm)) { // whole events only
            const names: string[] = JSON.parse(data!).stages.map((s: { stage: string }) => s.stage);
            if (names.length > 0) {
              found(names);
              res.destroy();
              return;
            }
          }
        });
      }).on('error', fail);
    });
    expect(stages).toEqual(['events', 'toSink']);
    // The run ends, the inspector stops with it, and the demo exits on its own: no handle was left open.
    expect(await exited).toBe(0);
    expect(stdout).toContain('done: 100,000 events');

    const svgPath = join(out, 'demo-depth.svg');
    const svg = readFileSync(svgPath, 'utf8');
    expect(render(svgPath)).toEqual(svgSize(svg));
    expect(overlaps(labels(svg))).toEqual([]);
    const texts = labels(svg).map((l) => l.text);
    expect(texts.filter((t) => /^(sluice \(bounded buffer\)|naive unbounded queue): peak \d+\.\d MiB$/.test(t))).toHaveLength(2);
    for (const lane of ['sluice events:', 'sluice toSink:', 'sluice forEach:', 'naive queue:']) {
      expect(texts.some((t) => t.startsWith(lane))).toBe(true);
    }
    // Flat versus growing: the naive queue's peak heap is far above sluice's bounded one.
    const peak = (who: string) => Number(new RegExp(`${who}[^:]*: peak (\\d+\\.\\d) MiB`).exec(svg)![1]);
    expect(peak('naive unbounded queue')).toBeGreaterThan(2 * peak('sluice'));
  }, 60_000);

  it('keeps labels apart however long the numbers get', () => {
    const series = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => ({ t: i * 100, heap: f(i), depth: f(i) }));
    const svg: string = demoSvg({
      title: 'sluice demo: 123,456,789 events, the same slow consumer, bounded vs unbounded',
      heap: [
        { name: 'sluice (bounded buffer)', color: '#1f77b4', series: series(50, () => 5 * 2 ** 20) },
        { name: 'naive unbounded queue', color: '#d62728', series: series(50, (i) => i * 40 * 2 ** 20) },
      ],
      lanes: [
        { name: 'a', caption: 'depth', series: series(50, (i) => i * 1_000_000), max: 1 },
        { name: 'b', caption: 'depth with demand', series: series(50, () => 3).map((p) => ({ ...p, demand: Infinity })) },
      ],
    });
    const out = join(mkdtempSync(join(tmpdir(), 'sluice-demo-svg-')), 'chart.svg');
    execFileSync('sh', ['-c', 'cat > "$0"', out], { input: svg });
    expect(render(out)).toEqual(svgSize(svg));
    expect(overlaps(labels(svg))).toEqual([]);
    const { width, height } = svgSize(svg);
    for (const l of labels(svg)) {
      expect(l.x0, l.text).toBeGreaterThanOrEqual(0);
      expect(l.x1, l.text).toBeLessThanOrEqual(width);
      expect(l.y0, l.text).toBeGreaterThanOrEqual(0);
      expect(l.y1, l.text).toBeLessThanOrEqual(height);
    }
  });
});
