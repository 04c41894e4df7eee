/**
 * Where code reads its deployment configuration: env reads (`process.env.X`, `process.env['X']`,
 * `config.get('X')`) and connection URLs written as literals (`postgres://...`). What names a
 * datastore or a service's URL starts here.
 */
import { Node, SyntaxKind } from 'ts-morph';
import { nodesOfKinds } from './walk';
import { initializerOf, stringValue } from './syntax';

/**
 * An env read: `process.env.X`, `process.env['X']`, or a config read `config.get('X')` /
 * `config.getOrThrow('X', fallback)` (`fromConfig`, with its fallback argument).
 */
export function envRead(n: Node): { name: string; fromConfig: boolean; fallback?: Node } | undefined {
  if (Node.isPropertyAccessExpression(n) && n.getExpression().getText() === 'process.env') return { name: n.getName(), fromConfig: false };
  if (Node.isElementAccessExpression(n) && n.getExpression().getText() === 'process.env') {
    const key = stringValue(n.getArgumentExpression());
    return key ? { name: key, fromConfig: false } : undefined;
  }
  if (Node.isCallExpression(n)) {
    const callee = n.getExpression();
    const [keyNode, fallback] = n.getArguments();
    const key = Node.isPropertyAccessExpression(callee) && /^(get|getOrThrow)$/.test(callee.getName()) ? stringValue(keyNode) : undefined;
    if (key) return { name: key, fromConfig: true, ...(fallback ? { fallback } : {}) };
  }
  return undefined;
}

/** Names of `process.env.X` / `process.env['X']` / `config.get('X')` reads inside a node (config keys in env-var case only). */
export function envVarsIn(node: Node | undefined, follow = 2): string[] {
  if (!node) return [];
  const names = new Set<string>();
  for (const n of nodesOfKinds(node, ENV_READ_KINDS)) {
    const read = envRead(n);
    if (read && (!read.fromConfig || /^[A-Z][A-Z0-9_]*$/.test(read.name))) names.add(read.name);
    if (Node.isIdentifier(n) && follow > 0 && !Node.isPropertyAccessExpression(n.getParent())) {
      const init = initializerOf(n);
      if (init && init !== node) for (const name of envVarsIn(init, follow - 1)) names.add(name);
    }
  }
  return [...names];
}

const ENV_READ_KINDS: ReadonlySet<SyntaxKind> = new Set([
  SyntaxKind.PropertyAccessExpression, SyntaxKind.ElementAccessExpression, SyntaxKind.CallExpression, SyntaxKind.Identifier,
]);

const URL_RE = /\b(postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|mssql|sqlserver):\/\/[^\s'"`]+/gi;

export function urlsIn(node: Node | undefined): string[] {
  if (!node) return [];
  const urls = new Set<string>();
  for (const n of nodesOfKinds(node, STRING_KINDS)) {
    if (Node.isStringLiteral(n) || Node.isNoSubstitutionTemplateLiteral(n)) {
      for (const m of n.getLiteralValue().matchAll(URL_RE)) urls.add(m[0]);
    }
  }
  return [...urls];
}

const STRING_KINDS: ReadonlySet<SyntaxKind> = new Set([SyntaxKind.StringLiteral, SyntaxKind.NoSubstitutionTemplateLiteral]);
