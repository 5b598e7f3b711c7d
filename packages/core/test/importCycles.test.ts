import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const srcRoot = fileURLToPath(new URL('../src/', import.meta.url));

/**
 * The modules a file imports at run time: `import`/`export … from` with a relative specifier, leaving out what
 * TypeScript erases (`import type`, `export type`, and named imports whose every specifier is `type`), since only
 * run-time imports make module evaluation order matter.
 */
function runtimeImports(source: ts.SourceFile): string[] {
  const specifiers: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.isTypeOnly) continue;
      const bindings = clause?.namedBindings;
      const onlyTypes = clause !== undefined && clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings) &&
        bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly);
      if (onlyTypes) continue;
      specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier !== undefined && !statement.isTypeOnly) {
      specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return specifiers.filter((specifier) => specifier.startsWith('.'));
}

/** The strongly connected components of more than one module (or a module importing itself): the import cycles. */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm; an explicit stack of frames keeps deep graphs off the call stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let next = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const frames: { node: string; edge: number }[] = [{ node: root, edge: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const edges = graph.get(frame.node) ?? [];
      if (frame.edge < edges.length) {
        const target = edges[frame.edge++]!;
        if (!index.has(target)) {
          index.set(target, next);
          low.set(target, next++);
          stack.push(target);
          onStack.add(target);
          frames.push({ node: target, edge: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent !== undefined) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      if (component.length > 1 || edges.includes(frame.node)) cycles.push(component.sort());
    }
  }
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function resolveModule(from: string, specifier: string): string | null {
  const base = resolve(dirname(from), specifier);
  return [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate)) ?? null;
}

let cachedGraph: Map<string, string[]> | null = null;

/** The run-time import graph of packages/core/src, keyed by path relative to src (read once per run). */
function coreImportGraph(): Map<string, string[]> {
  if (cachedGraph !== null) return cachedGraph;
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(srcRoot)) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const targets = runtimeImports(source)
      .map((specifier) => resolveModule(file, specifier))
      .filter((target): target is string => target !== null)
      .map((target) => relative(srcRoot, target));
    graph.set(relative(srcRoot, file), targets);
  }
  cachedGraph = graph;
  return graph;
}

describe('import cycles', () => {
  describe('behaviour', () => {
    it('finds no import cycle in packages/core/src: Flow.ts imports no module that imports it back', () => {
      expect(importCycles(coreImportGraph())).toEqual([]);
    });

    it('reads every module of src, with the edges that used to close the cycle through Flow.ts now one way only', () => {
      const graph = coreImportGraph();
      expect(graph.size).toBeGreaterThan(100);
      // Flow.from and the async iterator use leaves that build subscribe functions and subscribers, never Flows…
      expect(graph.get('Flow.ts')).toContain('internal/fromInput.ts');
      expect(graph.get('Flow.ts')).toContain('sinks/AsyncIteratorSubscriber.ts');
      expect(graph.get('Flow.ts')).not.toContain('sources/from.ts');
      expect(graph.get('Flow.ts')).not.toContain('sinks/toAsyncIterable.ts');
      // …while the public modules still import Flow (and lift) to build them.
      expect(graph.get('sources/from.ts')).toContain('Flow.ts');
      expect(graph.get('sinks/toAsyncIterable.ts')).toContain('internal/lift.ts');
      expect(graph.get('internal/lift.ts')).toContain('Flow.ts');
    });
  });

  describe('empty and edge cases', () => {
    it('reports a two-module cycle, a self-import and a longer loop, and not a diamond', () => {
      const graph = new Map<string, string[]>([
        ['a', ['b']],
        ['b', ['a', 'c']],
        ['c', ['d', 'e']],
        ['d', ['f']],
        ['e', ['f']],
        ['f', []],
        ['g', ['g']],
        ['h', ['i']],
        ['i', ['j']],
        ['j', ['h']],
      ]);
      expect(importCycles(graph)).toEqual([['a', 'b'], ['g'], ['h', 'i', 'j']]);
    });

    it('leaves out imports that TypeScript erases, and keeps re-exports and side-effect imports', () => {
      const text = [
        "import type { A } from './a';",
        "import { type B, type C } from './b';",
        "import { type D, e } from './d';",
        "import './side';",
        "export { f } from './f';",
        "export type { G } from './g';",
        "import ts from 'typescript';",
      ].join('\n');
      const source = ts.createSourceFile('t.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
      expect(runtimeImports(source)).toEqual(['./d', './side', './f']);
    });
  });
});
