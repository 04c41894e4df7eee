/**
 * Entry points recognized by the library type they are declared with (table `handlers`, see
 * libraries/table.ts): `export const handler = async (event: SQSEvent) => ...`,
 * `export async function handler(event: SNSEvent)`, `export const handler: SQSHandler = ...`,
 * `export const handler = middy(async (event: SQSEvent) => ...)`. No call registers them; the
 * runtime calls the exported function. A function that is not exported (a helper taking the same
 * event) is not an entry point.
 */
import { Node, SyntaxKind, ts, type SourceFile } from 'ts-morph';
import type { Analysis } from './analysis';
import type { Fact } from './facts';
import type { HandlerAnalyzer } from './libraries/table';
import { walkTree, wrapperFor } from './walk';

export interface TypedHandlers {
  byExport: Map<string, HandlerAnalyzer>;
  /** The type names the keys end with (`SQSEvent`), to skip files that mention none. */
  names: Set<string>;
  mention: RegExp | undefined;
}

export function typedHandlersOf(entries: [string, HandlerAnalyzer][]): TypedHandlers {
  const byExport = new Map(entries);
  const names = new Set(entries.map(([k]) => k.slice(k.indexOf('#') + 1)));
  const mention = names.size ? new RegExp(`\\b(${[...names].join('|')})\\b`) : undefined;
  return { byExport, names, mention };
}

export function typedHandlerFacts(file: SourceFile, analysis: Analysis, handlers: TypedHandlers): Fact[] {
  if (!handlers.mention || !handlers.mention.test(file.getFullText())) return [];
  const found: [ts.Node, ts.Node][] = []; // [type name, function]
  walkTree(file.compilerNode, (n) => {
    if (ts.isFunctionDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n)) {
      const name = typeName(n.parameters[0]?.type, handlers.names);
      if (name) found.push([name, n]);
    } else if (ts.isVariableDeclaration(n) && n.initializer) {
      const name = typeName(n.type, handlers.names);
      const fn = name ? functionIn(n.initializer) : undefined;
      if (name && fn) found.push([name, fn]);
    }
  });
  if (!found.length) return [];
  const wrap = wrapperFor(file);
  const out: Fact[] = [];
  const seen = new Set<ts.Node>();
  for (const [rawName, rawFn] of found) {
    if (seen.has(rawFn)) continue;
    const fn = wrap(rawFn);
    const reportAt = exportedName(fn);
    if (!reportAt) continue;
    const t = analysis.typeOf(wrap(rawName));
    const analyzer = t ? handlers.byExport.get(t) : undefined;
    if (!analyzer) continue;
    seen.add(rawFn);
    try {
      const produced = analyzer(fn, reportAt, analysis);
      if (produced) out.push(...(Array.isArray(produced) ? produced : [produced]));
    } catch {
      // an unexpected shape drops this handler only
    }
  }
  return out;
}

/** The type name node of `T`, `ns.T` or `T<...>` when its last name is one of `names`. */
function typeName(type: ts.TypeNode | undefined, names: Set<string>): ts.Node | undefined {
  if (!type || !ts.isTypeReferenceNode(type)) return undefined;
  const name = type.typeName;
  const last = ts.isQualifiedName(name) ? name.right : name;
  return names.has(last.text) ? name : undefined;
}

/** The function a variable holds: the initializer itself, or the first function given to a wrapper call (`middy(fn)`). */
function functionIn(init: ts.Expression): ts.Node | undefined {
  let e: ts.Node = init;
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e)) e = e.expression;
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return e;
  return undefined;
}

/**
 * The name an entry function is exported under (where a finding about it points), or undefined
 * when it is not exported: an exported function declaration, an exported variable holding it,
 * or a function given to a call (`middy(fn).use(...)`) that initializes an exported variable.
 */
function exportedName(fn: Node): Node | undefined {
  if (Node.isFunctionDeclaration(fn)) return fn.isExported() || fn.isDefaultExport() ? fn.getNameNode() ?? fn : undefined;
  let holder: Node | undefined = fn.getParent();
  for (let i = 0; holder && i < 6 && !Node.isVariableDeclaration(holder); i++) {
    if (!(Node.isCallExpression(holder) || Node.isParenthesizedExpression(holder) || Node.isAsExpression(holder) ||
          Node.isPropertyAccessExpression(holder))) return undefined;
    holder = holder.getParent();
  }
  if (!holder || !Node.isVariableDeclaration(holder)) return undefined;
  const statement = holder.getFirstAncestorByKind(SyntaxKind.VariableStatement);
  return statement?.isExported() ? holder.getNameNode() : undefined;
}
