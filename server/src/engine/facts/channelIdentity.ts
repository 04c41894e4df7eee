/**
 * Symbolic channel identity: where a channel name does not resolve to a literal (a queue name held
 * in a field the constructor sets, a parameter, an env var), the declaration the name expression
 * resolves to stands for the channel. A publish and a consumer whose names resolve to the same
 * declaration (the same constructor parameter, the same field, the same env var, the same helper
 * called with the same arguments) use the same channel, whatever its value at run time.
 *
 * Identities are compared only for equality; they never name a channel in a message or the model.
 */
import { Node } from 'ts-morph';
import { channelName, declarationOf, valueOfDeclaration } from './syntax';
import type { Fact } from './facts';

const MAX_DEPTH = 6;

/** The identity of a channel-name expression, when its value is not a literal (undefined when it is, or when nothing is known). */
export function channelIdentity(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const name = channelName(node);
  if (name !== undefined && !name.includes('?')) return undefined;
  return identityOf(node, 0);
}

function identityOf(node: Node, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const inner = unwrap(node);
  const env = /^process\.env\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(inner.getText()) ?? /^process\.env\[['"`]([A-Za-z_][A-Za-z0-9_]*)['"`]\]$/.exec(inner.getText());
  if (env) return `env:${env[1]}`;
  if (Node.isIdentifier(inner) || Node.isPropertyAccessExpression(inner)) {
    const decl = declarationOf(Node.isPropertyAccessExpression(inner) ? inner.getNameNode() : inner);
    if (!decl || decl.getSourceFile().isDeclarationFile()) return undefined;
    const value = valueOfDeclaration(decl);
    if (value) return identityOf(value, depth + 1) ?? idOf(decl);
    return idOf(decl);
  }
  if (Node.isCallExpression(inner)) {
    const fn = declarationOf(Node.isPropertyAccessExpression(inner.getExpression()) ? (inner.getExpression() as unknown as { getNameNode(): Node }).getNameNode() : inner.getExpression());
    if (!fn || fn.getSourceFile().isDeclarationFile()) return undefined;
    const args = inner.getArguments().map((a) => channelName(a) ?? identityOf(a, depth + 1) ?? '?');
    return `call:${idOf(fn)}(${args.join(',')})`;
  }
  return undefined;
}

export function unwrap(node: Node): Node {
  let n = node;
  while (Node.isParenthesizedExpression(n) || Node.isAsExpression(n) || Node.isNonNullExpression(n) || Node.isAwaitExpression(n) || Node.isSatisfiesExpression(n)) n = n.getExpression();
  return n;
}

function idOf(decl: Node): string {
  return `decl:${decl.getSourceFile().getFilePath()}:${decl.getStart()}`;
}

/**
 * Whether two channel names match where one holds unresolved parts (`?` from a template with a
 * runtime part, `*` from a pattern subscription): `orchestrator:?` matches `orchestrator:*` and
 * `orchestrator:42`; `?:redrive` matches `rq:redrive`. Used only between ends in one file.
 */
export function namesMatch(a: string, b: string): boolean {
  if (a === b) return true;
  const norm = (s: string) => s.replace(/\*/g, '?');
  if (norm(a) === norm(b)) return true;
  const pattern = (s: string) => new RegExp(`^${s.split(/[?*]/).map((p) => p.replace(/[.+^${}()|[\]\\]/g, '\\$&')).join('.+')}$`);
  const wild = (s: string) => /[?*]/.test(s);
  // A pattern must keep some static text to match on (`?` alone matches everything).
  if ([a, b].some((s) => wild(s) && s.replace(/[?*]/g, '').length < 3)) return false;
  if (wild(a) && !wild(b)) return pattern(a).test(b);
  if (wild(b) && !wild(a)) return pattern(b).test(a);
  return false;
}

/** What a name refers to; for the name of a shorthand property (`{ topic }`), the variable or parameter it reads. */
function valueDeclarationOf(name: Node): Node | undefined {
  const parent = name.getParent();
  if (parent && Node.isShorthandPropertyAssignment(parent) && parent.getNameNode() === name) {
    try {
      return parent.getValueSymbol()?.getDeclarations()[0];
    } catch {
      return undefined;
    }
  }
  return declarationOf(name);
}

/**
 * The channel ends a name expression gives: its name, its symbolic identity when not a literal,
 * and the enclosing function's parameter it is (`publishEvent(channel, message)`), whose call
 * sites name it.
 */
export function channelEnd(node: Node | undefined): Pick<Fact, 'channel' | 'channelIds' | 'channelFrom'> {
  const channel = channelName(node);
  const id = channelIdentity(node);
  const decl = node && Node.isIdentifier(node) ? valueDeclarationOf(node) : undefined;
  return {
    channel,
    ...(id ? { channelIds: [id] } : {}),
    ...(channel === undefined && decl && Node.isParameterDeclaration(decl) ? { channelFrom: { param: decl } } : {}),
  };
}
