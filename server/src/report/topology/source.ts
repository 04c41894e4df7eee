/**
 * Source-level helpers for the report: node locations as refs, a readable
 * name for the function a node is in, string literals inside a call, and
 * line-based searches of workspace files (for mitigations such as timeouts
 * or dead-letter settings that are configuration, not calls).
 */
import { Node, SyntaxKind } from 'ts-morph';
import type { SystemModel } from '../../engine/model';
import { isFunctionLike } from '../../engine/facts/analysis';
import type { Evidence, Ref } from './types';

export function refOf(model: SystemModel, node: Node): Ref {
  const loc = model.locationOf(node);
  return { file: loc.file, line: loc.range.start.line };
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareRefs(a: Ref, b: Ref): number {
  return compareText(a.file, b.file) || a.line - b.line;
}

export function sameRef(a: Ref | undefined, b: Ref | undefined): boolean {
  return !!a && !!b && a.file === b.file && a.line === b.line;
}

/** `Class.method`, `functionName`, or the variable an arrow is assigned to; calls' callbacks name their enclosing function. */
export function functionName(node: Node): string {
  for (let cur: Node | undefined = node; cur; cur = cur.getParent()) {
    if (!isFunctionLike(cur)) continue;
    if (Node.isMethodDeclaration(cur) || Node.isGetAccessorDeclaration(cur)) {
      const cls = cur.getFirstAncestorByKind(SyntaxKind.ClassDeclaration)?.getName();
      return cls ? `${cls}.${cur.getName()}` : cur.getName();
    }
    if (Node.isConstructorDeclaration(cur)) {
      const cls = cur.getFirstAncestorByKind(SyntaxKind.ClassDeclaration)?.getName();
      return cls ? `${cls}.constructor` : 'constructor';
    }
    if (Node.isFunctionDeclaration(cur)) {
      const name = cur.getName();
      if (name) return name;
      continue;
    }
    const parent = cur.getParent();
    if (parent && Node.isVariableDeclaration(parent)) return parent.getName();
    if (parent && Node.isPropertyDeclaration(parent)) return parent.getName();
  }
  return '(top level)';
}

/** Values of the string literals written inside a node. */
export function stringLiterals(node: Node): string[] {
  const out = new Set<string>();
  const add = (n: Node) => {
    if (Node.isStringLiteral(n) || Node.isNoSubstitutionTemplateLiteral(n)) out.add(n.getLiteralValue());
  };
  add(node);
  node.forEachDescendant(add);
  return [...out];
}

/** Text of a workspace file by root-relative path, split in lines (cached per model). */
export class SourceLines {
  private readonly byRel = new Map<string, string[]>();

  constructor(model: SystemModel) {
    for (const f of model.files) this.byRel.set(f.rel, f.sourceFile.getFullText().split(/\r?\n/));
  }

  has(file: string): boolean {
    return this.byRel.has(file);
  }

  files(): string[] {
    return [...this.byRel.keys()].sort(compareText);
  }

  /** First match of `re` in the file, optionally only within [fromLine, toLine]. */
  find(file: string, re: RegExp, fromLine = 1, toLine = Number.MAX_SAFE_INTEGER): Evidence | undefined {
    const lines = this.byRel.get(file);
    if (!lines) return undefined;
    for (let i = Math.max(0, fromLine - 1); i < Math.min(lines.length, toLine); i++) {
      const m = re.exec(lines[i]);
      if (m) return { text: m[0].trim(), at: { file, line: i + 1 } };
    }
    return undefined;
  }

  /** First match in the first of these files that has one. */
  findIn(files: string[], re: RegExp): Evidence | undefined {
    for (const file of files) {
      const hit = this.find(file, re);
      if (hit) return hit;
    }
    return undefined;
  }

  /** True when the file contains the text. */
  contains(file: string, text: string): boolean {
    return (this.byRel.get(file) ?? []).some((l) => l.includes(text));
  }
}

/** The line range a node covers, for searches confined to one call. */
export function lineRange(model: SystemModel, node: Node): [number, number] {
  const loc = model.locationOf(node);
  return [loc.range.start.line, loc.range.end.line];
}

export function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareText);
}
