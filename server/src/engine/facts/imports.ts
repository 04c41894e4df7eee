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
  const resolve = specifierResolver(project, file, resolver);
  const out = new Set<SourceFile>();
  const add = (target: SourceFile | undefined) => {
    if (target && target !== file) out.add(target);
  };
  for (const literal of resolve.literals) add(resolve(literal.text, literal));
  const text = file.getFullText();
  if (text.includes('require')) for (const m of text.matchAll(REQUIRE_RE)) add(resolve(m[2]));
  return [...out];
}

/** The workspace file a module specifier literal of `file` resolves to (a dynamic `import('./x.js')`, a `require('./x')`). */
export function resolveSpecifier(project: Project, file: SourceFile, literal: ts.StringLiteralLike): SourceFile | undefined {
  return specifierResolver(project, file)(literal.text, literal);
}

/**
 * How `file`'s module specifiers resolve to workspace files (declaration files left out): the program's
 * own resolution of a literal (internal API, present in TypeScript 5 and 6), else the workspace
 * resolver, or the compiler's with the program's options (a `require` the program does not list).
 */
function specifierResolver(project: Project, file: SourceFile, resolver?: ModuleResolver) {
  const program = project.getProgram().compilerObject;
  const options = program.getCompilerOptions();
  const node = program.getSourceFile(file.getFilePath()) ?? file.compilerNode;
  const host: ts.ModuleResolutionHost = { fileExists: (f) => project.getSourceFile(f) !== undefined, readFile: () => undefined };
  const internal = (program as unknown as ResolvedModules).getResolvedModule;
  const resolve = (name: string, literal?: ts.StringLiteralLike): SourceFile | undefined => {
    const fileName = (literal && internal ? internal.call(program, node, name, ts.getModeForUsageLocation(node, literal, options))?.resolvedModule?.resolvedFileName : undefined)
      ?? (resolver ? resolver.resolve(name, file.getFilePath(), host) : ts.resolveModuleName(name, file.getFilePath(), options, host).resolvedModule)?.resolvedFileName;
    const target = fileName ? project.getSourceFile(fileName) : undefined;
    return target && !target.isDeclarationFile() ? target : undefined;
  };
  /** The module specifiers the compiler lists for the file (imports, exports, dynamic imports). */
  const literals = (node as ts.SourceFile & { imports?: readonly ts.StringLiteralLike[] }).imports ?? [];
  return Object.assign(resolve, { literals });
}

/** True for a script (no import or export): its declarations are global, visible to every file. */
export function isGlobalScript(file: SourceFile): boolean {
  return !ts.isExternalModule(file.compilerNode) && !file.isDeclarationFile();
}
