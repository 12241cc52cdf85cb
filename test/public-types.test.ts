import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Every type that a public declaration uses is exported by the package, so users can name it.
 * The declarations of each `exports` entry of package.json are emitted into a temporary
 * directory, as `npm run build` writes them. From each entry's exported names the check follows
 * every type reference (through other exported declarations, transitively) and collects those
 * that resolve to a declaration of this package that no entry point exports. A type exported by
 * another entry point of the package counts as exported (`tributary/sqlite` uses the root's
 * store types). Private members have no types in declarations and are skipped.
 */

const ROOT = resolve(import.meta.dirname, '..');
const OUT = realpathSync(mkdtempSync(join(tmpdir(), 'tributary-types-')));
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

interface PackageJson {
  readonly exports: Record<string, string | { readonly types?: string }>;
}

/** `./dist/store/sqlite/index.d.ts` -> `src/store/sqlite/index.ts`, per exports entry. */
function entryPoints(): Map<string, string> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
  const entries = new Map<string, string>();
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string' || target.types === undefined) continue;
    const source = target.types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts');
    entries.set(subpath, join(ROOT, source));
  }
  return entries;
}

/** Emit declarations for `sources` into {@link OUT} and return a program over them. */
function declarationProgram(sources: readonly string[]): ts.Program {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.build.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  if (config === undefined) throw new Error('tsconfig.build.json does not parse');
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    sourceMap: false,
    declarationMap: false,
    outDir: OUT,
  };
  expect(ts.createProgram(sources, options).emit().emitSkipped).toBe(false);
  return ts.createProgram(sources.map(declarationOf), { ...options, noEmit: true });
}

/** `<ROOT>/src/x/index.ts` -> `<OUT>/x/index.d.ts`. */
function declarationOf(source: string): string {
  return join(OUT, source.slice(join(ROOT, 'src').length).replace(/\.ts$/, '.d.ts'));
}

/** Unexported types by entry point: `Name (file) <- the exported declarations that use it`. */
function unexportedTypes(): Record<string, string[]> {
  const entries = entryPoints();
  const program = declarationProgram([...entries.values()]);
  const checker = program.getTypeChecker();
  const real = (s: ts.Symbol): ts.Symbol =>
    s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
  const exportsOf = (source: string): ts.Symbol[] => {
    const module = checker.getSymbolAtLocation(program.getSourceFile(declarationOf(source))!)!;
    return checker.getExportsOfModule(module).map(real);
  };
  const exportedAnywhere = new Set([...entries.values()].flatMap(exportsOf));

  const report: Record<string, string[]> = {};
  for (const [subpath, source] of entries) {
    const missing = new Map<string, Set<string>>();
    const seen = new Set<ts.Symbol>();
    const queue = exportsOf(source);
    const visit = (node: ts.Node, from: string): void => {
      if (
        (ts.isPropertyDeclaration(node) || ts.isMethodDeclaration(node)) &&
        node.modifiers?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword)
      )
        return;
      let target: ts.Node | undefined;
      if (ts.isTypeReferenceNode(node)) target = node.typeName;
      else if (ts.isExpressionWithTypeArguments(node)) target = node.expression;
      else if (ts.isTypeQueryNode(node)) target = node.exprName;
      else if (ts.isImportTypeNode(node)) target = node.qualifier;
      const found = target && checker.getSymbolAtLocation(target);
      if (found !== undefined) {
        const symbol = real(found);
        const declaration = symbol.declarations?.[0];
        const file = declaration?.getSourceFile().fileName;
        if (file?.startsWith(OUT) && !(symbol.flags & ts.SymbolFlags.TypeParameter)) {
          if (exportedAnywhere.has(symbol)) queue.push(symbol);
          else {
            const key = `${symbol.name} (${file.slice(OUT.length + 1)})`;
            missing.set(key, (missing.get(key) ?? new Set()).add(from));
          }
        }
      }
      ts.forEachChild(node, (child) => visit(child, from));
    };
    for (let symbol = queue.pop(); symbol !== undefined; symbol = queue.pop()) {
      if (seen.has(symbol)) continue;
      seen.add(symbol);
      for (const declaration of symbol.declarations ?? []) visit(declaration, symbol.name);
    }
    report[subpath] = [...missing].map(([key, from]) => `${key} <- ${[...from].join(', ')}`);
  }
  return report;
}

describe('the public surface', () => {
  it('exports every type that its declarations use, from one of its entry points', () => {
    const report = unexportedTypes();
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['.', './engine', './sqlite']));
    for (const [subpath, missing] of Object.entries(report)) expect(missing, subpath).toEqual([]);
  });
});
