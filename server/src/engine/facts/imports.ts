/**
 * The workspace files a file imports, as the compiler resolved them: the
 * edges along which an edit can change what the analysis says about another
 * file (types and call targets are followed through imports).
 */
import { ts, type Project, type SourceFile } from 'ts-morph';
import type { ModuleResolver } from '../workspace/tsconfigs';

/** `require('./x')` in TypeScript files, which the compiler does not list as imports. */
const REQUIRE_RE = /\brequire\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g;

interface ResolvedModules {
  getResolvedModule?(file: ts.SourceFile, name: string, mode: ts.ResolutionMode): { resolvedModule?: { resolvedFileName: string } } | undefined;
}

export function importedFiles(project: Project, file: SourceFile, resolver?: ModuleResolver): SourceFile[] {
  const program = project.getProgram().compilerObject;
  const options = program.getCompilerOptions();
  const node = program.getSourceFile(file.getFilePath()) ?? file.compilerNode;
  const out = new Set<SourceFile>();
  const add = (resolvedFileName: string | undefined) => {
    const target = resolvedFileName ? project.getSourceFile(resolvedFileName) : undefined;
    if (target && target !== file && !target.isDeclarationFile()) out.add(target);
  };
  const host: ts.ModuleResolutionHost = {
    fileExists: (f) => project.getSourceFile(f) !== undefined,
    readFile: () => undefined,
  };
  const resolve = (name: string) => (resolver
    ? resolver.resolve(name, file.getFilePath(), host)
    : ts.resolveModuleName(name, file.getFilePath(), options, host).resolvedModule)?.resolvedFileName;
  // The program's own resolution (internal API, present in TypeScript 5 and 6); the same resolver otherwise.
  const resolved = (program as unknown as ResolvedModules).getResolvedModule;
  const literals = (node as ts.SourceFile & { imports?: readonly ts.StringLiteralLike[] }).imports ?? [];
  for (const literal of literals) {
    const mode = ts.getModeForUsageLocation(node, literal, options);
    add(resolved ? resolved.call(program, node, literal.text, mode)?.resolvedModule?.resolvedFileName : resolve(literal.text));
  }
  const text = file.getFullText();
  if (text.includes('require')) for (const m of text.matchAll(REQUIRE_RE)) add(resolve(m[2]));
  return [...out];
}

/** True for a script (no import or export): its declarations are global, visible to every file. */
export function isGlobalScript(file: SourceFile): boolean {
  return !ts.isExternalModule(file.compilerNode) && !file.isDeclarationFile();
}

/** The workspace file a module specifier literal of `file` resolves to (a dynamic `import('./x.js')`, a `require('./x')`). */
export function resolveSpecifier(project: Project, file: SourceFile, literal: ts.StringLiteralLike): SourceFile | undefined {
  const specifier = literal.text;
  const program = project.getProgram().compilerObject;
  const options = program.getCompilerOptions();
  const node = program.getSourceFile(file.getFilePath()) ?? file.compilerNode;
  const resolved = (program as unknown as ResolvedModules).getResolvedModule;
  const host: ts.ModuleResolutionHost = { fileExists: (f) => project.getSourceFile(f) !== undefined, readFile: () => undefined };
  const name = (resolved ? resolved.call(program, node, specifier, ts.getModeForUsageLocation(node, literal, options))?.resolvedModule?.resolvedFileName : undefined)
    ?? ts.resolveModuleName(specifier, file.getFilePath(), options, host).resolvedModule?.resolvedFileName;
  const target = name ? project.getSourceFile(name) : undefined;
  return target && !target.isDeclarationFile() ? target : undefined;
}

