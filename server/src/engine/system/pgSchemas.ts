/**
 * Postgres schemas in one database: which schema a client works in, evaluated in one deployable's
 * own environment, and which `schema.table` names raw SQL reaches.
 *
 * A schema is chosen by the client's configuration (TypeORM `schema`, knex `searchPath`,
 * pg `options: '-c search_path=…'`; a URL's `?schema=` is read with the URL), or, for a bootstrap client
 * whose only statements are `CREATE SCHEMA x`, by the schema it creates. Env reads resolve through
 * the deployable's deployment (compose `DB_SCHEMA: ${ORDERS_DB_SCHEMA:-orders}`); when nothing sets
 * them, the code's literal default (`process.env.DB_SCHEMA || 'orders'`) is the value.
 */
import { Node, SyntaxKind } from 'ts-morph';
import { initializerOf, prop } from '../facts/syntax';
import { envRead } from '../facts/envReads';

/**
 * An env var's value in one deployable: undefined when nothing sets it (the code's default applies),
 * UNKNOWN when the deployment sets it to something the analysis cannot read.
 */
export type EnvLookup = (name: string) => string | undefined;
export const UNKNOWN = '\u0000';

/** The options of a client's configuration that select its schema, in the order they are tried. */
const SCHEMA_OPTIONS = ['schema', 'searchPath', 'currentSchema'];

/** The schema a client's configuration objects select, in this deployable; undefined when none or not known. */
export function configuredSchema(configs: Node[], env: EnvLookup): string | undefined {
  for (const config of configs) {
    for (const name of SCHEMA_OPTIONS) {
      const node = prop(config, name);
      if (node) return schemaName(configuredString(node, env));
    }
    // pg / postgres.js: `options: '-c search_path=orders'`
    const options = configuredString(prop(config, 'options'), env);
    const path = options !== undefined ? /search_path\s*=\s*([^\s,]+)/i.exec(options)?.[1] : undefined;
    if (path) return schemaName(path);
  }
  return undefined;
}

/**
 * A bootstrap client (`const client = new Client(config)`) used only to run `CREATE SCHEMA x`, then
 * ended: it works in schema x, the one its service's main connection then uses.
 */
export function createdSchema(clientNode: Node, env: EnvLookup): string | undefined {
  const created = clientNode.getParentWhile((n) => !Node.isVariableDeclaration(n) && !Node.isStatement(n));
  const decl = created?.getParent();
  if (!decl || !Node.isVariableDeclaration(decl)) return undefined;
  const nameNode = decl.getNameNode();
  if (!Node.isIdentifier(nameNode)) return undefined;
  const scope = decl.getFirstAncestor((a) => Node.isBlock(a) || Node.isSourceFile(a));
  if (!scope) return undefined;
  const name = nameNode.getText();
  const schemas = new Set<string>();
  for (const id of scope.getDescendantsOfKind(SyntaxKind.Identifier)) {
    if (id === nameNode || id.getText() !== name) continue;
    const access = id.getParent();
    // Anything but connect/query/end on the client (passed on, returned, stored) may use it otherwise.
    if (!access || !Node.isPropertyAccessExpression(access) || access.getExpression() !== id) return undefined;
    const method = access.getName();
    if (method === 'connect' || method === 'end' || method === 'release') continue;
    const call = access.getParent();
    if (method !== 'query' || !call || !Node.isCallExpression(call)) return undefined;
    const sql = configuredString(call.getArguments()[0], env);
    const m = sql !== undefined ? /^\s*CREATE\s+SCHEMA\s+(?:IF\s+NOT\s+EXISTS\s+)?("?)([\w$-]+)\1\s*;?\s*$/i.exec(sql) : undefined;
    if (!m) return undefined;
    schemas.add(m[2]);
  }
  return schemas.size === 1 ? schemaName([...schemas][0]) : undefined;
}

/** `schema.table` names in SQL text (`FROM "identity"."users"`, `JOIN menu.products`), schema lower-cased. */
export function schemaTables(sql: string): { schema: string; table: string }[] {
  const out: { schema: string; table: string }[] = [];
  const re = /\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+(?:ONLY\s+)?("?)([A-Za-z_][\w$]*)\1\s*\.\s*("?)([A-Za-z_][\w$]*)\3/gi;
  for (const m of sql.matchAll(re)) out.push({ schema: m[2].toLowerCase(), table: m[4] });
  return out;
}

/**
 * A string's value in one deployable: literals, templates and concatenations of known parts,
 * constants, env reads (`process.env.X`, `config.get('X')`) resolved by `env`, and `a || b` /
 * `a ?? b` defaults. With `partial`, unknown parts of a template read as `?` (for SQL text).
 */
export function configuredString(node: Node | undefined, env: EnvLookup, partial = false, follow = 3): string | undefined {
  if (!node) return undefined;
  const value = evaluate(node, env, partial, follow);
  return value === undefined || value.includes(UNKNOWN) ? (partial && value !== undefined ? value.split(UNKNOWN).join('?') : undefined) : value;
}

function evaluate(node: Node, env: EnvLookup, partial: boolean, follow: number): string | undefined {
  const again = (n: Node | undefined, f = follow) => (n ? evaluate(n, env, partial, f) : undefined);
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
  if (Node.isTemplateExpression(node)) {
    let text = node.getHead().getLiteralText();
    for (const span of node.getTemplateSpans()) {
      const part = again(span.getExpression());
      if (part === undefined && !partial) return undefined;
      text += (part ?? UNKNOWN) + span.getLiteral().getLiteralText();
    }
    return text;
  }
  if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isNonNullExpression(node) || Node.isSatisfiesExpression(node)) {
    return again(node.getExpression());
  }
  if (Node.isArrayLiteralExpression(node)) return again(node.getElements()[0]); // knex searchPath: the first schema
  if (Node.isBinaryExpression(node)) {
    const op = node.getOperatorToken().getKind();
    if (op === SyntaxKind.BarBarToken || op === SyntaxKind.QuestionQuestionToken) {
      const left = again(node.getLeft());
      return left !== undefined && (left !== '' || op === SyntaxKind.QuestionQuestionToken) ? left : again(node.getRight());
    }
    if (op === SyntaxKind.PlusToken) {
      const l = again(node.getLeft());
      const r = again(node.getRight());
      return l !== undefined && r !== undefined ? l + r : undefined;
    }
    return undefined;
  }
  const envName = envRead(node);
  if (envName) {
    const value = env(envName.name);
    return value ?? (envName.fallback ? again(envName.fallback) : undefined);
  }
  if ((Node.isIdentifier(node) || Node.isPropertyAccessExpression(node)) && follow > 0) {
    const init = initializerOf(node);
    return init && init !== node ? again(init, follow - 1) : undefined;
  }
  return undefined;
}

/** A schema name as a datastore identity part: lower-cased; `public` (the default) is no schema of its own. */
function schemaName(value: string | undefined): string | undefined {
  const name = value?.trim().replace(/^"|"$/g, '').toLowerCase();
  return name && name !== 'public' && /^[\w$-]+$/.test(name) ? name : undefined;
}
