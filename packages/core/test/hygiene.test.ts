import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const testRoot = fileURLToPath(new URL('.', import.meta.url));
const srcRoot = fileURLToPath(new URL('../src/', import.meta.url));

/**
 * Full titles (`describe > … > it`) that occur more than once in one test file. Titles are read from the syntax
 * tree: a literal title as written, any other title expression (a template with `${…}`, a conditional) by its
 * source text, so a title built in a loop counts once, as it is written once.
 */
function duplicateTitles(source: ts.SourceFile): string[] {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  const scope: string[] = [];
  const visit = (node: ts.Node): void => {
    const kind = testCallKind(node);
    if (kind === null) {
      ts.forEachChild(node, visit);
      return;
    }
    const call = node as ts.CallExpression;
    const title = titleOf(call.arguments[0]!, source);
    if (kind === 'it') {
      const full = [...scope, title].join(' > ');
      if (seen.has(full)) duplicates.push(full);
      seen.add(full);
    }
    scope.push(title);
    call.arguments.slice(1).forEach(visit);
    scope.pop();
  };
  visit(source);
  return duplicates;
}

/** `target.modifier` as source text, for fixtures (see the tests of skippedOrFocused below). */
const modified = (target: string, modifier: string): string => `${target}.${modifier}`;

/** Calls of `describe`/`it`/`test` with a skip, only or todo modifier: the suite may neither skip nor focus tests. */
function skippedOrFocused(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const { expression: target, name } = node.expression;
      if (ts.isIdentifier(target) && /^(describe|it|test)$/.test(target.text) && /^(skip|only|todo|skipIf|runIf)$/.test(name.text)) {
        found.push(`${target.text}.${name.text} (line ${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1})`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function testCallKind(node: ts.Node): 'describe' | 'it' | null {
  if (!ts.isCallExpression(node) || node.arguments.length === 0) return null;
  let callee = node.expression;
  if (ts.isCallExpression(callee) && ts.isPropertyAccessExpression(callee.expression) && callee.expression.name.text === 'each') {
    // it.each(table)('title %s', fn): the outer call carries the title
    callee = callee.expression.expression;
  } else if (ts.isPropertyAccessExpression(callee)) {
    if (callee.name.text === 'each') return null; // the inner it.each(table): its argument is the table, not a title
    // modified calls (only, skip, concurrent, …) share the scope and title rules of the plain call
    callee = callee.expression;
  }
  if (!ts.isIdentifier(callee)) return null;
  if (callee.text === 'describe') return 'describe';
  if (callee.text === 'it' || callee.text === 'test') return 'it';
  return null;
}

function titleOf(node: ts.Expression, source: ts.SourceFile): string {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  return node.getText(source);
}

function parse(fileName: string, text: string): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('hygiene', () => {
  const parsed = new Map<string, ts.SourceFile>();
  const parsedTestFiles = () => {
    if (parsed.size === 0) for (const file of testFiles(testRoot)) parsed.set(file, parse(file, readFileSync(file, 'utf8')));
    return [...parsed];
  };

  describe('behaviour', () => {
    it('finds no duplicate full test titles within any test file of @sluice/core', () => {
      const found = parsedTestFiles().flatMap(([file, source]) =>
        duplicateTitles(source).map((title) => `${relative(testRoot, file)}: ${title}`),
      );
      expect(found).toEqual([]);
    });

    it('finds no skipped, focused or todo tests in any test file of @sluice/core', () => {
      const found = parsedTestFiles().flatMap(([file, source]) =>
        skippedOrFocused(source).map((call) => `${relative(testRoot, file)}: ${call}`),
      );
      expect(found).toEqual([]);
    });

    it('finds a matching test file for every source, operator and metrics module', () => {
      const missing = ['operators', 'sources', 'metrics'].flatMap((folder) =>
        readdirSync(join(srcRoot, folder))
          .filter((name) => name.endsWith('.ts'))
          .map((name) => `${folder}/${basename(name, '.ts')}.test.ts`)
          .filter((expected) => !existsSync(join(testRoot, expected))),
      );
      expect(missing).toEqual([]);
    });
  });

  describe('empty and edge cases', () => {
    it('reports a title repeated within the same describe scope', () => {
      const text = `describe('a', () => { it('x', () => {}); describe('b', () => { it('y', () => {}); }); it('x', () => {}); });`;
      expect(duplicateTitles(parse('t.ts', text))).toEqual(['a > x']);
    });

    it('accepts the same title in different describe scopes', () => {
      const text = `describe('a', () => { it('x', () => {}); }); describe('b', () => { it('x', () => {}); });`;
      expect(duplicateTitles(parse('t.ts', text))).toEqual([]);
    });

    it('reports skip, only and todo modifiers but not plain calls', () => {
      // Fixture source built from parts, so that this file itself holds no modified test call.
      const text = `describe('a', () => {\n  ${modified('it', 'skip')}('x', () => {});\n  it('y', () => {});\n  ${modified('describe', 'only')}('b', () => {});\n});`;
      expect(skippedOrFocused(parse('t.ts', text))).toEqual(['it.skip (line 2)', 'describe.only (line 4)']);
    });

    it('takes the title of it.each(table)(title, fn) from the outer call, not the table', () => {
      const text = `describe('a', () => { it.each(rows)('first %s', () => {}); it.each(rows)('second %s', () => {}); it.each(rows)('first %s', () => {}); });`;
      expect(duplicateTitles(parse('t.ts', text))).toEqual(['a > first %s']);
    });

    it('compares template titles by their source text and sees through modifiers such as only', () => {
      const text = 'for (const n of [1, 2]) { it(`n=${n}`, () => {}); }\n' + modified('it', 'only') + '(`n=${n}`, () => {}); test("plain", () => {}); it(\'plain\', () => {});';
      expect(duplicateTitles(parse('t.ts', text))).toEqual(['`n=${n}`', 'plain']);
    });
  });
});
